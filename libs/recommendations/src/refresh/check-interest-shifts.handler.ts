import { Inject, Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { fieldsOf } from '@pulse/platform/projections/projection';
import { READ_MODELS, type ReadModels } from '@pulse/platform/projections/read-models';
import type { ShopperProfileDocument } from '@pulse/shoppers/projections/shopper-profile.document';
import { decideInterestShift, topCategories } from './interest-shift.rule';
import { RECOMMENDATION_LISTS, type RecommendationListDocument } from './recommendation-lists.projection';
import { RecommendationsFeed } from './recommendations.feed';
import { CheckInterestShifts, RefreshRecommendations } from './refresh-recommendations.command';

/** Options of the interest-shift rule (module options; the learning module sets them from PULSE_LEARNING_SHIFT). */
export const INTEREST_SHIFT_THRESHOLD = Symbol('INTEREST_SHIFT_THRESHOLD');

/**
 * Reads the shoppers' profiles (once they include the triggering events) and
 * their last lists, applies the pure shift rule, and refreshes those whose
 * interests moved enough.
 */
@CommandHandler(CheckInterestShifts)
export class CheckInterestShiftsHandler implements ICommandHandler<CheckInterestShifts, string[]> {
  private readonly logger = new Logger('InterestShift');

  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(INTEREST_SHIFT_THRESHOLD) private readonly threshold: number,
    private readonly commands: CommandBus,
    private readonly feed: RecommendationsFeed,
  ) {}

  /** Saga-dispatched: a failure (read models behind, store down) is logged, never thrown into the bus. */
  async execute(command: CheckInterestShifts): Promise<string[]> {
    try {
      return await this.check(command);
    } catch (error) {
      this.logger.warn(`interest-shift check of ${command.shopperIds.length} shoppers skipped: ${(error as Error).message}`);
      return [];
    }
  }

  private async check(command: CheckInterestShifts): Promise<string[]> {
    // Cheap first cut, before waiting on the read models: only shoppers with a list or a follower can refresh
    // (interest-shift.rule.ts). A list published meanwhile is caught by the next check.
    const known = await this.readModels.getMany(RECOMMENDATION_LISTS, command.shopperIds);
    const candidates = command.shopperIds.filter((id) => known.has(id) || this.feed.isFollowed(id));
    if (candidates.length === 0) return [];
    await this.readModels.catchUp(BigInt(command.upToPosition), ['shopper_profiles', RECOMMENDATION_LISTS]);
    const [profiles, lists] = await Promise.all([
      this.readModels.getMany('shopper_profiles', candidates),
      this.readModels.getMany(RECOMMENDATION_LISTS, candidates),
    ]);
    const now = Date.now();
    const shifted = candidates.filter((id) => {
      const profile = profiles.get(id);
      if (!profile) return false;
      const fields = fieldsOf(profile) as unknown as ShopperProfileDocument;
      const current = topCategories(fields.affinities?.categories, now, fields.halfLifeMs);
      const list = lists.get(id);
      const before = list ? (fieldsOf(list) as RecommendationListDocument).topCategories : undefined;
      return decideInterestShift(before, current, this.threshold, this.feed.isFollowed(id)).refresh;
    });
    if (shifted.length > 0) {
      this.logger.debug(`${shifted.length} of ${candidates.length} followed or listed shoppers' interests shifted`);
      await this.commands.execute(new RefreshRecommendations(shifted, 'interest_shift', command.upToPosition));
    }
    return shifted;
  }
}
