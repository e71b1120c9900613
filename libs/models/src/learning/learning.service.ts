import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { CommandBus, EventBus, ofType } from '@nestjs/cqrs';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import { EVENT_STORE, type EventStore } from '@pulse/platform/event-store/event-store.port';
import { EventCommitted } from '@pulse/platform/nest/event-bus-relay';
import { PulseMetrics } from '@pulse/platform/observability/metrics';
import { RefreshRecommendations } from '@pulse/recommendations/refresh/refresh-recommendations.command';
import { RefreshCoalescer } from './refresh-coalescer';
import { filter, Subject, type Subscription } from 'rxjs';
import { MODEL_ARTIFACT_STORE, type ModelArtifactStore } from '../registry/model-artifact-store.port';
import { ServingModels } from '../serving/serving-models';
import { modelStreamId } from '../registry/model.events';
import { loadLiveModel, startingWeightsOfModel } from './champion.locator';
import { IncrementRetention } from './increment-retention';
import { IncrementalTrainer, type UpdateOutcome } from './incremental-trainer';
import { LearningBufferState } from './learning-loop';
import { LearningMetrics } from './learning.metrics';
import { LEARNING_OPTIONS } from './learning.tokens';
import type { LearningOptions } from './learning.options';
import { LiveModelSlot } from './live-model.slot';
import { ModelStreamWriter } from './model-stream.writer';
import type { UpdateModelIncrementally } from './update-model-incrementally.command';

export interface LearningStatus {
  readonly model: string;
  readonly enabled: boolean;
  /** `<name>@<version>[+<increment>]` serving now, if any. */
  readonly serving?: string;
  readonly state: 'no_model' | 'idle' | 'training' | 'off';
  readonly lagEvents: number;
  readonly lagMs: number;
  readonly buffered: number;
  readonly inTraining: number;
  readonly dropped: number;
  readonly updates: { swapped: number; kept: number; skipped: number; failed: number };
  readonly lastUpdate?: Record<string, unknown>;
}

/**
 * The learning loop of one model, as an application service: the live
 * weights (the registry champion's latest stored increment, or the champion
 * as trained; reloaded on promotion or rollback so incremental updates
 * continue from the new champion), the trainer actor, the buffer the saga
 * fills, and what follows an update (the ModelIncrementallyUpdated event,
 * clean-up of superseded stored increments, metrics, refreshed lists).
 */
@Injectable()
export class LearningService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnModuleDestroy {
  private readonly logger = new Logger('Learning');
  readonly slot: LiveModelSlot;
  readonly trainer: IncrementalTrainer;
  readonly buffer: LearningBufferState;
  readonly metrics: LearningMetrics;
  private readonly writer: ModelStreamWriter;
  private readonly retention: IncrementRetention;
  /** Ticks the saga when an update finishes, so a buffer that filled meanwhile goes at once. */
  readonly idle$ = new Subject<void>();
  private readonly counts = { swapped: 0, kept: 0, skipped: 0, failed: 0 };
  private lastUpdate?: Record<string, unknown>;
  private registrySubscription?: Subscription;
  private stopping = false;
  private readonly refreshes: RefreshCoalescer;

  constructor(
    @Inject(LEARNING_OPTIONS) readonly options: LearningOptions,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(MODEL_ARTIFACT_STORE) private readonly artifacts: ModelArtifactStore,
    registry: EventRegistry,
    metrics: PulseMetrics,
    private readonly bus: EventBus,
    private readonly commands: CommandBus,
    serving: ServingModels,
  ) {
    this.slot = new LiveModelSlot(options.model);
    // Accepted updates also replace what GET recommendations serve, not only the refreshed lists.
    // ...and are stored, so a restart continues from the last one recorded.
    this.trainer = new IncrementalTrainer(this.slot, options, serving, artifacts);
    this.retention = new IncrementRetention(artifacts, options.model);
    this.buffer = new LearningBufferState(options);
    this.writer = new ModelStreamWriter(store, registry);
    this.metrics = new LearningMetrics(metrics.registry, () => this.buffer.lag(Date.now()), options.model);
    this.refreshes = new RefreshCoalescer((shoppers, causedByPosition) =>
      this.commands
        .execute(new RefreshRecommendations(shoppers, 'model_update', causedByPosition))
        .then(() => void this.metrics.refreshed.inc({ trigger: 'model_update' }, shoppers.length))
        .catch((error: unknown) => this.logger.error(`refresh after ${this.slot.label()} failed: ${(error as Error).message}`)),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    // A new champion (promotion, rollback) replaces the live weights: increments continue from it.
    const stream = modelStreamId(this.options.model);
    this.registrySubscription = this.bus
      .pipe(
        ofType(EventCommitted),
        filter((e) => e.event.streamId === stream && (e.event.type === 'ModelPromoted' || e.event.type === 'ModelRolledBack')),
      )
      .subscribe(() => void this.reloadChampion());
    await this.reloadChampion();
  }

  /** The store closes on shutdown: let the update in flight finish and start no new one. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    // Not awaited: the refresh in flight stops on its own handler's shutdown hook, which may run after this one.
    void this.refreshes.stop();
    await this.trainer.whenIdle();
  }

  onModuleDestroy(): void {
    this.registrySubscription?.unsubscribe();
    this.idle$.complete();
  }

  /**
   * Loads the champion's latest stored increment (or the champion as trained) unless the slot
   * already holds it or a later update of the same version (this process's own, not yet reread).
   */
  async reloadChampion(): Promise<void> {
    try {
      const start = await startingWeightsOfModel(this.store, this.options.model);
      if (!start) return;
      const current = this.slot.current;
      if (current?.version === start.version && current.increment >= (start.increment?.increment ?? 0)) return;
      const live = await loadLiveModel(this.artifacts, this.options.model, start, (message) => this.logger.warn(message));
      const meanwhile = this.slot.current;
      if (meanwhile !== current && meanwhile?.version === live.version && meanwhile.increment >= live.increment) {
        // An update was swapped in while this loaded: it is newer than what the log said.
        live.servable.dispose();
        live.trainable.dispose();
        return;
      }
      this.slot.swap(live);
      this.logger.log(`learning from ${this.slot.label()} (${live.metadata.items.length} items)`);
      // Space only: a failed clean-up is worth a warning, not a stopped loop.
      await this.retention.startFrom(start.version, start).then(
        (leftOver) =>
          leftOver.length > 0 &&
          this.logger.log(`deleted ${leftOver.length} stored update(s) of ${this.options.model}@${start.version} that a crash left behind (${leftOver.join(', ')})`),
        (error: unknown) => this.logger.warn(`cannot clean up stored updates of ${this.options.model}@${start.version}: ${(error as Error).message}`),
      );
    } catch (error) {
      this.logger.error(`cannot load the champion of ${this.options.model}: ${(error as Error).message}`);
    }
  }

  /** Runs one update (the command handler calls it); never throws: failures are logged and counted. */
  async update(command: UpdateModelIncrementally): Promise<UpdateOutcome | undefined> {
    const model = this.options.model;
    if (this.stopping) return undefined;
    const timer = this.metrics.updateSeconds.startTimer({ model });
    if (command.dropped > 0) this.metrics.dropped.inc({ model }, command.dropped);
    try {
      const outcome = await this.trainer.update(command.batch, command.dropped);
      for (const ms of outcome.stepMs) this.metrics.stepMilliseconds.observe({ model }, ms);
      if (!outcome.event) {
        this.counts.skipped++;
        this.metrics.updates.inc({ model, outcome: 'skipped' });
        this.lastUpdate = { skipped: outcome.skipped, at: new Date().toISOString() };
        return outcome;
      }
      await this.writer.appendIncrementalUpdate(outcome.event, outcome.event.toPosition);
      const { swapped } = outcome.event;
      if (swapped && outcome.event.artifact) await this.removeSuperseded(outcome.event.version, outcome.event.increment);
      this.counts[swapped ? 'swapped' : 'kept']++;
      this.metrics.updates.inc({ model, outcome: swapped ? 'swapped' : 'kept' });
      this.lastUpdate = { ...outcome.event };
      if (swapped && outcome.swappedAt !== undefined) {
        for (const i of command.batch) this.metrics.eventToWeightsSeconds.observe({ model }, (outcome.swappedAt - i.recordedAtMs) / 1000);
        const shoppers = this.buffer.activeShoppers(Date.now(), this.options.activeMs, this.options.maxRefresh);
        this.refreshes.request(shoppers, outcome.event.toPosition);
      }
      const served = outcome.served && ('label' in outcome.served ? `, serving ${outcome.served.label}` : `, not served: ${outcome.served.refused}`);
      this.logger.log(
        `${model}@${outcome.event.version} increment ${outcome.event.increment}: ${outcome.event.events} events, loss ${outcome.event.loss.toFixed(3)}, ` +
          `${swapped ? 'swapped in' : 'kept the serving weights'} (${outcome.event.reason})${served ?? ''}`,
      );
      return outcome;
    } catch (error) {
      this.counts.failed++;
      this.metrics.updates.inc({ model, outcome: 'failed' });
      this.lastUpdate = { failed: (error as Error).message, at: new Date().toISOString() };
      this.logger.error(`incremental update of ${model} failed: ${(error as Error).stack ?? String(error)}`);
      return undefined;
    } finally {
      timer();
      this.buffer.finished();
      this.idle$.next();
    }
  }

  /** Cleaning up is not the update: a failure leaves files behind, which is worth a warning only. */
  private async removeSuperseded(version: number, increment: number): Promise<void> {
    try {
      const removed = await this.retention.recorded(version, increment);
      if (removed.length > 0) this.logger.debug(`${this.options.model}@${version}: removed the stored increments ${removed.join(', ')}`);
    } catch (error) {
      this.logger.warn(`${this.options.model}@${version}: could not remove superseded increments: ${(error as Error).message}`);
    }
  }

  status(): LearningStatus {
    const lag = this.buffer.lag(Date.now());
    const state = !this.options.enabled ? 'off' : !this.slot.current ? 'no_model' : this.trainer.busy ? 'training' : 'idle';
    return {
      model: this.options.model,
      enabled: this.options.enabled,
      ...(this.slot.current && { serving: this.slot.label() }),
      state,
      ...lag,
      updates: { ...this.counts },
      ...(this.lastUpdate && { lastUpdate: this.lastUpdate }),
    };
  }
}
