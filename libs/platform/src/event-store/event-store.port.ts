/**
 * The event store port: the one source of truth. Semantics follow EventStoreDB
 * so that the embedded SQLite adapter and the production KurrentDB adapter are
 * interchangeable and pass one contract suite (libs/testing/src/contracts).
 *
 * Revisions are per stream and start at 0n; positions are global, strictly
 * increasing in commit order, and opaque apart from their order. Both are
 * bigint because EventStoreDB's commit positions are 64-bit.
 */

/** What the writer believes about the stream it appends to. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export type JsonObject = { [key: string]: unknown };

export interface EventToAppend {
  /** UUID. Retrying an append with the same ids and expected revision writes nothing twice. */
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

export interface RecordedEvent {
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: bigint;
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  /** When the store committed it. */
  readonly recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the last event written (the stream's new current revision). */
  readonly nextRevision: bigint;
  /** Global position of the last event written. */
  readonly position: bigint;
}

export interface ReadStreamOptions {
  /** Inclusive. Default: the first event going forwards, the last going backwards. */
  readonly fromRevision?: bigint;
  readonly direction?: 'forwards' | 'backwards';
  /** Default: everything. */
  readonly maxCount?: number;
}

/** Server-side filter for reads of and subscriptions to the global log. */
export interface EventFilter {
  /** Exact event type names. */
  readonly eventTypes?: readonly string[];
  /** Stream name prefixes, e.g. `shopper-`. */
  readonly streamPrefixes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: start with the first event after this position. Default: the start of the log. */
  readonly after?: bigint;
  readonly maxCount?: number;
  readonly filter?: EventFilter;
}

export interface SubscribeOptions {
  /** Exclusive: deliver events after this position (a checkpoint). Default: the start of the log. */
  readonly after?: bigint;
  readonly filter?: EventFilter;
}

/**
 * A catch-up subscription: delivers every matching event after `after` in
 * global order, then keeps following live appends. Iterate it with
 * `for await`; `close()` ends the iteration. The production adapter
 * resubscribes by itself from the last delivered position when the server
 * connection drops, so a consumer sees no gap and no duplicate.
 */
export interface EventSubscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  append(
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
  ): Promise<AppendResult>;
  /** Throws StreamNotFoundError when the stream has no events. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): EventSubscription;
  /** Position of the newest event in the log, or -1n when the log is empty. */
  headPosition(): Promise<bigint>;
  /**
   * How many events the log holds after `position` (-1n: all). Optional:
   * only stores that can answer cheaply implement it (EventStoreDB positions
   * are byte offsets, so it can't).
   */
  countAfter?(position: bigint): Promise<number>;
  /** Cheap liveness probe for /health/ready. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Injection token for the EventStore port. */
export const EVENT_STORE = Symbol('EVENT_STORE');
