import { Logger } from '@nestjs/common';
import type { DocumentStore } from '../document-store/document-store.port';
import type { EventStore, EventSubscription, RecordedEvent } from '../event-store/event-store.port';
import type { EventRegistry } from '../events/event-registry';
import { ProjectionBatch, type TrackedDocument } from './projection-batch';
import type { ProjectedEvent, Projection } from './projection';
import type { ProjectionFailure, ProjectionState, ProjectionStatus } from './projection-status';
import { RateMeter } from './rate-meter';

export interface ProjectionRunnerOptions {
  /** Events applied per committed batch at most. */
  readonly maxBatch?: number;
  /** Documents kept in memory between batches (the runner is their only writer). */
  readonly cacheSize?: number;
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
}

/** A read can't be served fresh: the projection it waits on has failed, is paused or stopped. */
export class ProjectionUnavailableError extends Error {
  constructor(readonly projection: string, readonly state: ProjectionState, detail = '') {
    super(`projection '${projection}' is ${state}${detail}; see GET /v1/admin/projections`);
    this.name = 'ProjectionUnavailableError';
  }
}

export const physicalCollection = (readModel: string, version: number) => `${readModel}_v${version}`;
export const checkpointName = (projection: string, version: number) => `projection:${projection}:v${version}`;

/**
 * Runs one version of one projection: follows the log from its checkpoint,
 * applies events in batches, and commits each batch's documents with the
 * checkpoint in one atomic unit, so a crash at any moment leaves the read
 * model at a batch boundary and a restart continues from there.
 */
export class ProjectionRunner {
  private readonly logger: Logger;
  private readonly maxBatch: number;
  private readonly cache: Map<string, TrackedDocument>;
  private readonly cacheSize: number;
  private readonly interesting: ReadonlySet<string>;
  private readonly rate = new RateMeter();
  private subscription?: EventSubscription;
  private loop?: Promise<void>;
  private state: ProjectionState = 'catching_up';
  private failure?: ProjectionFailure;
  private committed: bigint | null = null;
  private eventsApplied = 0;
  private waiters: { position: bigint; resolve: () => void; reject: (e: Error) => void }[] = [];
  private stopping = false;

  constructor(
    readonly projection: Projection,
    readonly version: number,
    private readonly events: EventStore,
    private readonly docs: DocumentStore,
    private readonly registry: EventRegistry,
    private readonly options: ProjectionRunnerOptions = {},
    public role: 'serving' | 'rebuilding' = 'serving',
  ) {
    this.logger = new Logger(`Projection ${projection.name} v${version}`);
    this.maxBatch = options.maxBatch ?? 500;
    this.cacheSize = options.cacheSize ?? 50_000;
    this.cache = new Map();
    this.interesting = new Set(projection.eventTypes);
  }

  get checkpointName(): string {
    return checkpointName(this.projection.name, this.version);
  }

  collection(readModel: string): string {
    return physicalCollection(readModel, this.version);
  }

  /** Position of the last committed batch; null before any. */
  get position(): bigint | null {
    return this.committed;
  }

  status(): ProjectionStatus {
    return {
      name: this.projection.name,
      version: this.version,
      role: this.role,
      state: this.state,
      checkpoint: this.committed === null ? null : this.committed.toString(),
      eventsApplied: this.eventsApplied,
      eventsPerSecond: Math.round(this.rate.perSecond()),
      ...(this.failure && { failure: this.failure }),
    };
  }

  async start(): Promise<void> {
    for (const readModel of this.projection.readModels) {
      for (const index of readModel.indexes ?? []) {
        await this.docs.ensureIndex(this.collection(readModel.name), index);
      }
    }
    this.committed = await this.docs.getCheckpoint(this.checkpointName);
    this.stopping = false;
    this.failure = undefined;
    this.state = 'catching_up';
    this.loop = this.run();
  }

  /** Stops reading; committed work stays. */
  async stop(state: 'stopped' | 'paused' = 'stopped'): Promise<void> {
    this.stopping = true;
    await this.subscription?.close();
    await this.loop;
    this.loop = undefined;
    if (this.state !== 'failed') this.state = state;
    this.rejectWaiters(new ProjectionUnavailableError(this.projection.name, this.state));
  }

  /** Resolves once every event up to `position` is applied; rejects if the projection fails or stops. */
  waitFor(position: bigint): Promise<void> {
    if (this.committed !== null && this.committed >= position) return Promise.resolve();
    if (this.state === 'failed' || this.state === 'stopped' || this.state === 'paused') {
      return Promise.reject(new ProjectionUnavailableError(this.projection.name, this.state));
    }
    return new Promise((resolve, reject) => this.waiters.push({ position, resolve, reject }));
  }

  /** Whether the runner has applied everything up to the log head right now. */
  async isCaughtUp(): Promise<boolean> {
    const head = await this.events.headPosition();
    return head < 0n || (this.committed !== null && this.committed >= head);
  }

  private async run(): Promise<void> {
    let retryMs = this.options.retryInitialMs ?? 200;
    while (!this.stopping) {
      try {
        await this.follow();
        return;
      } catch (error) {
        if (this.stopping || this.state === 'failed') return;
        this.state = 'retrying';
        this.logger.warn(`subscription lost (${(error as Error).message}); resubscribing in ${retryMs} ms`);
        await sleep(retryMs);
        retryMs = Math.min(retryMs * 2, this.options.retryMaxMs ?? 10_000);
      }
    }
  }

  private async follow(): Promise<void> {
    this.subscription = this.events.subscribeToAll(
      this.committed === null ? {} : { after: this.committed },
    );
    const iterator = this.subscription[Symbol.asyncIterator]();
    let next = iterator.next();
    while (!this.stopping) {
      const first = await next;
      if (first.done) return;
      const batch: RecordedEvent[] = [first.value];
      next = iterator.next();
      // Take whatever is already available, without waiting for more: the
      // turn of the event loop resolves only once nothing else is ready. One
      // per batch, not per event: while catching up events are always ready,
      // and a timer per event would pile up until the catch-up ends.
      const turn = nextTurn();
      while (batch.length < this.maxBatch) {
        const more = await Promise.race([next, turn]);
        if (more === NOTHING_YET || more.done) break;
        batch.push(more.value);
        next = iterator.next();
      }
      await this.applyBatch(batch);
      if (this.state === 'failed') return;
      if (this.state !== 'live' && (await this.isCaughtUp())) this.state = 'live';
      // Let requests in between batches: a catch-up of a long log must not
      // stall the service (a rebuild runs while the old version serves).
      await nextTurn();
    }
  }

  private async applyBatch(events: RecordedEvent[]): Promise<void> {
    const outcome = await this.handleAll(events);
    if ('poisoned' in outcome) {
      // Keep the work before the poisoned event: re-apply it on a fresh batch
      // (the failed handler may have half-updated the first one) and commit.
      const before = events.slice(0, outcome.index);
      const retried = before.length > 0 ? await this.handleAll(before) : undefined;
      if (retried && 'tx' in retried) await this.commit(retried.tx, before, retried.applied);
      return this.fail(outcome.poisoned, outcome.error);
    }
    await this.commit(outcome.tx, events, outcome.applied);
  }

  private async handleAll(
    events: RecordedEvent[],
  ): Promise<{ tx: ProjectionBatch; applied: number } | { poisoned: RecordedEvent; index: number; error: unknown }> {
    const tx = new ProjectionBatch(
      this.docs,
      (readModel) => this.collection(readModel),
      (collection, id) => this.cache.get(`${collection}\u0000${id}`),
    );
    let applied = 0;
    for (const [index, recorded] of events.entries()) {
      if (this.committed !== null && recorded.position <= this.committed) continue;
      if (!this.interesting.has(recorded.type)) continue;
      try {
        await this.projection.handle(this.decode(recorded), tx.forEvent(recorded.position));
        applied++;
      } catch (error) {
        return { poisoned: recorded, index, error };
      }
    }
    return { tx, applied };
  }

  /** Stores the batch's documents and the checkpoint (its last event) as one unit. */
  private async commit(tx: ProjectionBatch, events: RecordedEvent[], applied: number): Promise<void> {
    const last = events[events.length - 1]!.position;
    if (this.committed !== null && last <= this.committed) return;
    await this.docs.applyBatch(tx.writes(), last, { name: this.checkpointName, position: last });
    this.remember(tx, last);
    this.committed = last;
    this.eventsApplied += applied;
    this.rate.add(events.length);
    this.releaseWaiters();
  }

  private decode(recorded: RecordedEvent): ProjectedEvent {
    const version = Number(recorded.metadata.schemaVersion ?? 1);
    return {
      streamId: recorded.streamId,
      revision: recorded.revision,
      position: recorded.position,
      type: recorded.type,
      data: this.registry.decode(recorded.type, recorded.data, version) as Record<string, any>,
      metadata: recorded.metadata,
      recordedAt: recorded.recordedAt,
    };
  }

  private fail(event: RecordedEvent, error: unknown): void {
    this.state = 'failed';
    this.failure = {
      position: event.position.toString(),
      streamId: event.streamId,
      eventType: event.type,
      error: (error as Error)?.message ?? String(error),
      at: new Date().toISOString(),
    };
    this.logger.error(
      `failed at position ${event.position} (${event.type} in ${event.streamId}): ${(error as Error)?.stack ?? error}`,
    );
    this.stopping = true;
    void this.subscription?.close();
    this.rejectWaiters(
      new ProjectionUnavailableError(this.projection.name, 'failed', ` at position ${event.position}`),
    );
  }

  /** Write-through cache: the store now holds these documents at `position`. */
  private remember(tx: ProjectionBatch, position: bigint): void {
    for (const [collection, id, entry] of tx.entries()) {
      const key = `${collection}\u0000${id}`;
      this.cache.delete(key);
      this.cache.set(key, { doc: entry.doc, position: entry.dirty ? position : entry.position, dirty: false });
    }
    for (const key of this.cache.keys()) {
      if (this.cache.size <= this.cacheSize) break;
      this.cache.delete(key);
    }
  }

  private releaseWaiters(): void {
    if (this.waiters.length === 0 || this.committed === null) return;
    const done = this.committed;
    this.waiters = this.waiters.filter((w) => {
      if (w.position > done) return true;
      w.resolve();
      return false;
    });
  }

  private rejectWaiters(error: Error): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w.reject(error);
  }
}

const NOTHING_YET = Symbol('nothing yet');
/** Resolves after pending I/O callbacks: anything the subscription already holds arrives first. */
const nextTurn = () => new Promise<typeof NOTHING_YET>((resolve) => setImmediate(() => resolve(NOTHING_YET)));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
