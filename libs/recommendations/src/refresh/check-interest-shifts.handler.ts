import { Inject, Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { fieldsOf } from '@pulse/platform/projections/projection';
import { READ_MODELS, type ReadModels } from '@pulse/platform/projections/read-models';
import type { ShopperProfileDocument } from '@pulse/shoppers/projections/shopper-profile.document';
import { decideInterestShift, topCategories } from './interest-shift.rule';
import { RECOMMENDATION_LISTS, type RecommendationListDocument } from './recommendation-lists.projection';
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
    await this.readModels.catchUp(BigInt(command.upToPosition), ['shopper_profiles', RECOMMENDATION_LISTS]);
    const [profiles, lists] = await Promise.all([
      this.readModels.getMany('shopper_profiles', command.shopperIds),
      this.readModels.getMany(RECOMMENDATION_LISTS, command.shopperIds),
    ]);
    const now = Date.now();
    const shifted = command.shopperIds.filter((id) => {
      const profile = profiles.get(id);
      if (!profile) return false;
      const fields = fieldsOf(profile) as unknown as ShopperProfileDocument;
      const current = topCategories(fields.affinities?.categories, now, fields.halfLifeMs);
      const list = lists.get(id);
      const before = list ? (fieldsOf(list) as RecommendationListDocument).topCategories : undefined;
      return decideInterestShift(before, current, this.threshold).refresh;
    });
    if (shifted.length > 0) {
      this.logger.debug(`${shifted.length} of ${command.shopperIds.length} shoppers' interests shifted`);
      await this.commands.execute(new RefreshRecommendations(shifted, 'interest_shift', command.upToPosition));
    }
    return shifted;
  }
}
