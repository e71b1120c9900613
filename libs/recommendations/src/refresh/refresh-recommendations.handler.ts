import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import { type BeforeApplicationShutdown, Inject, Logger, Optional } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@pulse/platform/events/event-metadata';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import { EVENT_STORE, type EventStore } from '@pulse/platform/event-store/event-store.port';
import { fieldsOf } from '@pulse/platform/projections/projection';
import { READ_MODELS, type ReadModels } from '@pulse/platform/projections/read-models';
import type { ShopperProfileDocument } from '@pulse/shoppers/projections/shopper-profile.document';
import { ReadModelRecommendationData } from '../application/read-model-recommendation-data';
import { RecommendationPipeline } from '../pipeline/recommendation-pipeline';
import { topCategories } from './interest-shift.rule';
import {
  recommendationsRefreshedEvent,
  type RecommendationsRefreshedData,
  recommendationsStreamId,
} from './recommendations-refreshed.event';
import { RefreshRecommendations } from './refresh-recommendations.command';
import { REFRESH_PIPELINES, type RefreshPipelines } from './refresh-pipelines.port';

const LIST_LENGTH = 20;

/**
 * Share of the process's time a refresh may take (0 < share <= 1,
 * PULSE_LEARNING_REFRESH_SHARE): after each group of shoppers the handler
 * rests busy·(1 − share)/share, so a refresh of hundreds of shoppers after a
 * model update does not crowd out the requests served meanwhile. Default 1
 * (no rest) when not configured.
 */
export const REFRESH_SHARE = Symbol('REFRESH_SHARE');

export interface RefreshResult {
  readonly refreshed: readonly RecommendationsRefreshedData[];
}

/**
 * Recomputes each shopper's home list (the pipeline, with the live model when
 * the learning loop provides one) and appends it as RecommendationsRefreshed
 * to `recommendations-<shopperId>`; the projection and the SSE stream follow
 * from the log. Waits first for the read models to include the cause.
 */
@CommandHandler(RefreshRecommendations)
export class RefreshRecommendationsHandler
  implements ICommandHandler<RefreshRecommendations, RefreshResult>, BeforeApplicationShutdown
{
  private readonly logger = new Logger('RefreshRecommendations');
  private readonly data: ReadModelRecommendationData;
  private readonly plain: RecommendationPipeline;
  private readonly running = new Set<Promise<RefreshResult>>();
  private stopping = false;
  private readonly shutdown = new AbortController();

  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
    @Optional() @Inject(REFRESH_PIPELINES) private readonly pipelines?: RefreshPipelines,
    @Optional() @Inject(REFRESH_SHARE) private readonly share: number = 1,
  ) {
    if (!(share > 0 && share <= 1)) throw new RangeError(`refresh share must be in (0, 1], got ${share}`);
    if (!registry.has(recommendationsRefreshedEvent.type)) registry.register(recommendationsRefreshedEvent);
    this.data = new ReadModelRecommendationData(readModels);
    this.plain = new RecommendationPipeline(this.data);
  }

  async execute(command: RefreshRecommendations): Promise<RefreshResult> {
    const run = this.refresh(command);
    this.running.add(run);
    try {
      return await run;
    } finally {
      this.running.delete(run);
    }
  }

  /** The stores close on shutdown: stop between groups of shoppers and let the group in flight finish. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.shutdown.abort(); // ends the rests at once
    await Promise.allSettled([...this.running]);
  }

  private async refresh(command: RefreshRecommendations): Promise<RefreshResult> {
    const refreshed: RecommendationsRefreshedData[] = [];
    if (command.causedByPosition !== undefined) {
      try {
        await this.readModels.catchUp(BigInt(command.causedByPosition), ['shopper_profiles', 'item_statistics', 'catalog_items']);
      } catch (error) {
        if (this.stopping) return { refreshed }; // the projections stopped first
        throw error;
      }
    }
    const ids = [...new Set(command.shopperIds)];
    // One shopper at a time: the embedded stores answer synchronously, so refreshing several at once bought
    // no overlap, only longer stretches requests waited behind (GET p50 235 ms with groups of 4 vs 88 ms).
    for (const id of ids) {
      if (this.stopping) break;
      const began = performance.now();
      refreshed.push(await this.refreshOne(id, command));
      const busyMs = performance.now() - began;
      // The embedded stores answer synchronously, so without a pause the awaits above chain as microtasks and
      // a refresh of hundreds of shoppers would hold the event loop (and every request) until it ends.
      if (this.share < 1) {
        await sleep((busyMs * (1 - this.share)) / this.share, undefined, { signal: this.shutdown.signal }).catch(() => undefined);
      } else await yieldToEventLoop();
    }
    if (this.stopping && refreshed.length < ids.length) {
      this.logger.log(`shutting down: refreshed ${refreshed.length} of ${ids.length} shoppers (${command.trigger})`);
    }
    return { refreshed };
  }

  private async refreshOne(shopperId: string, command: RefreshRecommendations): Promise<RecommendationsRefreshedData> {
    const doc = await this.readModels.get('shopper_profiles', shopperId);
    const profile = doc ? (fieldsOf(doc) as unknown as ShopperProfileDocument) : null;
    const now = Date.now();
    const acquired = this.pipelines?.acquire(this.data);
    const modelVersion = acquired ? this.pipelines?.modelLabel() : undefined;
    let result;
    try {
      result = await (acquired?.pipeline ?? this.plain).recommend({ shopperId, profile, context: { kind: 'home' }, limit: LIST_LENGTH, now });
    } finally {
      acquired?.release();
    }
    const data: RecommendationsRefreshedData = {
      shopperId,
      listId: randomUUID(),
      trigger: command.trigger,
      strategy: result.strategy,
      ...((modelVersion ?? result.modelVersion) !== undefined && { modelVersion: modelVersion ?? result.modelVersion }),
      items: result.items.map((item, position) => ({ itemId: item.itemId, position, score: round(item.score) })),
      topCategories: profile ? topCategories(profile.affinities?.categories, now, profile.halfLifeMs) : [],
      ...(command.causedByPosition !== undefined && { causedByPosition: command.causedByPosition }),
      refreshedAt: new Date(now).toISOString(),
    };
    const payload = this.registry.validateForWrite(recommendationsRefreshedEvent.type, data);
    const correlationId = randomUUID();
    const metadata: EventMetadata = {
      correlationId,
      causationId: command.causedByPosition ?? correlationId,
      occurredAt: data.refreshedAt,
      receivedAt: data.refreshedAt,
      schemaVersion: recommendationsRefreshedEvent.schemaVersion,
    };
    // 'any': a list replaces the previous one whatever it was; the event id makes a retry harmless.
    await this.store.append(
      recommendationsStreamId(shopperId),
      [{ eventId: data.listId, type: recommendationsRefreshedEvent.type, data: payload, metadata: { ...metadata } }],
      'any',
    );
    this.logger.debug(`refreshed ${shopperId} (${command.trigger}, ${data.items.length} items)`);
    return data;
  }
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;
