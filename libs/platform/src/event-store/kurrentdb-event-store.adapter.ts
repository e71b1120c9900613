import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  WrongExpectedVersionError,
  convertToCommandError,
  eventTypeFilter,
  excludeSystemEvents,
  isCommandError,
  jsonEvent,
  streamNameFilter,
  type AllStreamSubscription,
  type AppendStreamState,
  type CommandError,
  type CurrentStreamState,
  type Filter,
  type RecordedEvent as ClientRecordedEvent,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import {
  EventStoreUnavailableError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from './event-store.errors';
import type {
  AppendResult,
  EventFilter,
  EventStore,
  EventSubscription,
  EventToAppend,
  ExpectedRevision,
  JsonObject,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from './event-store.port';
import { validateAppend } from './event-store.validation';

/**
 * The production event store: KurrentDB / EventStoreDB (>= 22.6, which returns
 * positions on stream reads) through @kurrent/kurrentdb-client.
 *
 * Our global position is the event's commit position. Without explicit
 * transactions (gone from KurrentDB) commit and prepare positions are equal,
 * which is what lets a bigint checkpoint stand for a full { commit, prepare }.
 *
 * The client does not retry. We retry transient failures (server unavailable,
 * deadline exceeded, not leader) with backoff, re-sending the SAME event ids
 * and expected revision: if an earlier attempt did commit, the server
 * recognises the batch and answers with the original result instead of
 * writing it twice. That guarantee holds for an exact revision, no_stream and
 * stream_exists; with `any` the server's idempotency check is best effort.
 */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export interface KurrentDbEventStoreOptions {
  /** Appends and reads. Default: 5 attempts, 100 ms doubling up to 2 s (about 1.5 s of waiting). */
  readonly retry?: Partial<RetryPolicy>;
  /** Consecutive failed resubscriptions before the subscription fails. Default: 20 attempts, 100 ms to 5 s. */
  readonly resubscribe?: Partial<RetryPolicy>;
  /** Page size of readAll, which filters part of the log client-side. Default 500. */
  readonly pageSize?: number;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 2000 };
const DEFAULT_RESUBSCRIBE: RetryPolicy = { maxAttempts: 20, initialDelayMs: 100, maxDelayMs: 5000 };

const TRANSIENT = new Set<ErrorType>([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
]);

export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

/** The client says 'no_stream' where the port says -1n. */
export function toActualRevision(state: CurrentStreamState): bigint {
  return state === NO_STREAM ? -1n : state;
}

/** Exact type names; a prefix filter would let `ItemViewed` match `ItemViewedTwice`. */
export function eventTypesRegex(types: readonly string[]): string {
  const escaped = types.map((type) => type.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return `^(?:${escaped.join('|')})$`;
}

export interface FilterPlan {
  /** Sent to the server. */
  readonly server: Filter;
  /** Applied to what the server sends: the other half of a two-part filter, and no system events. */
  matches(streamId: string, type: string): boolean;
}

/**
 * The server takes one filter per read, on stream name OR event type. With
 * both, stream prefixes go to the server (in Pulse a prefix is one bounded
 * context's streams, and in the contract tests a per-test name) and event
 * types are checked here. An empty list means "no constraint", as in the
 * SQLite adapter. System events ($-prefixed streams and types) never pass.
 */
export function planFilter(filter: EventFilter = {}): FilterPlan {
  const types = filter.eventTypes?.length ? new Set(filter.eventTypes) : undefined;
  const prefixes = filter.streamPrefixes?.length ? [...filter.streamPrefixes] : undefined;
  const server = prefixes
    ? streamNameFilter({ prefixes })
    : types
      ? eventTypeFilter({ regex: eventTypesRegex([...types]) })
      : excludeSystemEvents();
  return {
    server,
    matches: (streamId, type) =>
      !streamId.startsWith('$') &&
      !type.startsWith('$') &&
      (!types || types.has(type)) &&
      (!prefixes || prefixes.some((prefix) => streamId.startsWith(prefix))),
  };
}

/** Start of a read or subscription at a checkpoint; -1n or undefined means the start of the log. */
export function readPositionAt(position: bigint | undefined): ReadPosition {
  return position === undefined || position < 0n ? START : { commit: position, prepare: position };
}

export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
}

/**
 * The client's typed error for `error`. Failures to connect at all reach us as
 * raw gRPC errors (`14 UNAVAILABLE: No connection established`), not as the
 * client's UnavailableError, so they are converted first.
 */
function asCommandError(error: unknown): CommandError | undefined {
  if (!(error instanceof Error)) return undefined;
  const converted = convertToCommandError(error);
  return isCommandError(converted) ? converted : undefined;
}

export function isTransient(error: unknown): boolean {
  const commandError = asCommandError(error);
  return commandError !== undefined && TRANSIENT.has(commandError.type);
}

/**
 * A subscription is also resumed after the server cancels it (e.g. a node
 * shutting down); parse errors and access denied are not retried.
 */
function isResubscribable(error: unknown): boolean {
  return isTransient(error) || asCommandError(error)?.type === ErrorType.CANCELLED;
}

/** Translates the client's errors into the port's; anything else is rethrown as is. */
export function mapClientError(
  error: unknown,
  streamId?: string,
  expected?: ExpectedRevision,
): unknown {
  const commandError = asCommandError(error);
  if (commandError === undefined || streamId === undefined) return error;
  if (commandError instanceof WrongExpectedVersionError && expected !== undefined) {
    return new WrongExpectedRevisionError(
      streamId,
      expected,
      toActualRevision(commandError.actualState),
    );
  }
  if (
    commandError.type === ErrorType.STREAM_NOT_FOUND ||
    commandError.type === ErrorType.STREAM_DELETED
  ) {
    return new StreamNotFoundError(streamId);
  }
  return error;
}

/** Runs `operation`, retrying transient failures; gives up with EventStoreUnavailableError. */
export async function withRetry<T>(
  what: string,
  policy: RetryPolicy,
  operation: () => Promise<T>,
  sleep: (ms: number) => Promise<void> = delay,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (attempt >= policy.maxAttempts) {
        throw new EventStoreUnavailableError(
          `KurrentDB ${what} failed after ${attempt} attempts: ${(error as Error).message}`,
          error,
        );
      }
      await sleep(backoffDelay(attempt, policy));
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** We only ever write JSON objects; anything else in the log was written by someone else. */
export function toJsonObject(value: unknown, what: string): JsonObject {
  if (value === undefined) return {};
  const parsed =
    value instanceof Uint8Array
      ? value.length === 0
        ? {}
        : JSON.parse(Buffer.from(value).toString('utf8'))
      : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TypeError(`${what} is not a JSON object`);
  }
  return parsed as JsonObject;
}

function toRecordedEvent(event: ClientRecordedEvent, position: bigint): RecordedEvent {
  return {
    streamId: event.streamId,
    revision: event.revision,
    position,
    eventId: event.id,
    type: event.type,
    data: toJsonObject(event.data, `Data of event ${event.id}`),
    metadata: toJsonObject(event.metadata, `Metadata of event ${event.id}`),
    recordedAt: event.created,
  };
}

export class KurrentDbEventStore implements EventStore {
  private readonly client: KurrentDBClient;
  private readonly retry: RetryPolicy;
  private readonly resubscribe: RetryPolicy;
  private readonly pageSize: number;
  private readonly subscriptions = new Set<KurrentSubscription>();

  /** Disposed by close() only when this store created it from a connection string. */
  private readonly ownsClient: boolean;

  /** `connection`: a connection string (`kurrentdb://host:2113?tls=false`) or a client to share. */
  constructor(connection: string | KurrentDBClient, options: KurrentDbEventStoreOptions = {}) {
    this.ownsClient = typeof connection === 'string';
    this.client =
      typeof connection === 'string' ? KurrentDBClient.connectionString(connection) : connection;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.resubscribe = { ...DEFAULT_RESUBSCRIBE, ...options.resubscribe };
    this.pageSize = options.pageSize ?? 500;
  }

  async append(
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const ids = validateAppend(streamId, events, expected);
    // Built once: every retry sends the same ids, which is what makes it idempotent.
    const batch = events.map((event, i) =>
      jsonEvent({ id: ids[i], type: event.type, data: event.data, metadata: event.metadata }),
    );
    const streamState = toStreamState(expected);
    const result = await withRetry('append', this.retry, async () => {
      try {
        return await this.client.appendToStream(streamId, batch, { streamState });
      } catch (error) {
        throw mapClientError(error, streamId, expected);
      }
    });
    if (!result.success) {
      // Only when the connection string sets throwOnAppendFailure=false.
      throw new WrongExpectedRevisionError(streamId, expected, result.nextExpectedRevision);
    }
    const nextRevision = result.nextExpectedRevision;
    // An append the server recognised as a retry may come back without a position.
    const position = result.position?.commit ?? (await this.positionOf(streamId, nextRevision));
    return { nextRevision, position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    return withRetry('readStream', this.retry, async () => {
      const events: RecordedEvent[] = [];
      try {
        for await (const resolved of this.client.readStream(streamId, {
          direction: backwards ? BACKWARDS : FORWARDS,
          fromRevision: options.fromRevision ?? (backwards ? END : START),
          maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
        })) {
          if (!resolved.event) continue;
          // -1n only from servers older than 22.6, which leave stream reads without positions.
          const position = resolved.event.position?.commit ?? resolved.commitPosition ?? -1n;
          events.push(toRecordedEvent(resolved.event, position));
        }
      } catch (error) {
        throw mapClientError(error, streamId);
      }
      return events;
    });
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? Infinity;
    const plan = planFilter(options.filter);
    return withRetry('readAll', this.retry, async () => {
      const events: RecordedEvent[] = [];
      let after = options.after !== undefined && options.after >= 0n ? options.after : undefined;
      // Paged, because the client-side half of the filter may drop part of each page.
      while (events.length < maxCount) {
        // +1: the server's fromPosition is inclusive and the event AT `after` comes back first.
        const want = Math.min(this.pageSize, maxCount - events.length) + 1;
        let received = 0;
        let last = after;
        for await (const resolved of this.client.readAll({
          fromPosition: readPositionAt(after),
          maxCount: want,
          filter: plan.server,
        })) {
          received++;
          const position = resolved.event?.position.commit ?? resolved.commitPosition;
          if (position === undefined || (after !== undefined && position <= after)) continue;
          last = position;
          if (resolved.event && plan.matches(resolved.event.streamId, resolved.event.type)) {
            events.push(toRecordedEvent(resolved.event, position));
            if (events.length === maxCount) break;
          }
        }
        if (received < want || last === after) break; // the end of the log
        after = last;
      }
      return events;
    });
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    const subscription = new KurrentSubscription(
      this.client,
      planFilter(options.filter),
      options.after,
      this.resubscribe,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** The newest non-system event: subscriptions never deliver system events, so a head that counted them could never be reached. */
  async headPosition(): Promise<bigint> {
    return withRetry('headPosition', this.retry, async () => {
      for await (const resolved of this.client.readAll({
        direction: BACKWARDS,
        fromPosition: END,
        maxCount: 1,
        filter: excludeSystemEvents(),
      })) {
        return resolved.event?.position.commit ?? resolved.commitPosition ?? -1n;
      }
      return -1n;
    });
  }

  /** One attempt, no retries: a readiness probe must answer quickly. */
  async ping(): Promise<void> {
    await withRetry('ping', { ...this.retry, maxAttempts: 1 }, async () => {
      for await (const _ of this.client.readAll({
        direction: BACKWARDS,
        fromPosition: END,
        maxCount: 1,
      })) {
        break;
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    if (this.ownsClient) await this.client.dispose();
  }

  private async positionOf(streamId: string, revision: bigint): Promise<bigint> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    return event?.position ?? -1n;
  }
}

/**
 * A catch-up subscription to $all that survives dropped connections: on an
 * error it resubscribes, with backoff, after the last event it received, so
 * the consumer sees neither a gap nor a duplicate. It gives up with
 * EventStoreUnavailableError after `policy.maxAttempts` consecutive failures.
 */
class KurrentSubscription implements EventSubscription {
  private closed = false;
  private current?: AllStreamSubscription;
  private wakeFromBackoff?: () => void;
  private readonly events: AsyncGenerator<RecordedEvent>;

  constructor(
    private readonly client: KurrentDBClient,
    private readonly plan: FilterPlan,
    /** Position of the last event received; resubscriptions start after it. */
    private resumeAfter: bigint | undefined,
    private readonly policy: RetryPolicy,
    private readonly onClose: () => void,
  ) {
    this.events = this.run();
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this.events;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    this.wakeFromBackoff?.();
    // Ends a pending `for await` over the client's subscription inside run().
    await this.current?.unsubscribe();
  }

  private async *run(): AsyncGenerator<RecordedEvent> {
    let failures = 0;
    try {
      while (!this.closed) {
        const subscription = this.client.subscribeToAll({
          fromPosition: readPositionAt(this.resumeAfter),
          filter: this.plan.server,
        });
        this.current = subscription;
        subscription.on('confirmation', () => {
          failures = 0;
        });
        let dropped: unknown = new Error('the server ended the subscription');
        try {
          for await (const resolved of subscription) {
            failures = 0;
            const event = resolved.event;
            if (!event) continue;
            const position = event.position.commit;
            // The server starts after fromPosition; this guards a resubscription against redelivery.
            if (this.resumeAfter !== undefined && position <= this.resumeAfter) continue;
            // Advancing past events filtered out here is safe and saves rescanning them.
            this.resumeAfter = position;
            if (this.plan.matches(event.streamId, event.type)) {
              yield toRecordedEvent(event, position);
              if (this.closed) return;
            }
          }
        } catch (error) {
          if (this.closed) return;
          if (!isResubscribable(error)) throw mapClientError(error);
          dropped = error;
        } finally {
          // Cleanup of a stream that already ended or failed; its own error would tell nothing new.
          if (!this.closed) await subscription.unsubscribe().catch(() => undefined);
        }
        if (this.closed) return;
        failures++;
        if (failures >= this.policy.maxAttempts) {
          throw new EventStoreUnavailableError(
            `KurrentDB subscription to $all dropped ${failures} times in a row`,
            dropped,
          );
        }
        await this.backoff(backoffDelay(failures, this.policy));
      }
    } finally {
      // Also reached when the consumer breaks out of `for await`.
      if (!this.closed) await this.close();
    }
  }

  private backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeFromBackoff = done;
    });
  }
}
