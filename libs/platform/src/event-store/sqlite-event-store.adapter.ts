import Database from 'better-sqlite3';
import {
  EventStoreUnavailableError,
  InvalidAppendError,
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
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from './event-store.port';
import { validateAppend } from './event-store.validation';

/**
 * The embedded event store: one SQLite file in WAL mode through better-sqlite3.
 *
 * Why global positions come out in commit order (what makes a catch-up
 * subscription gapless): `position` is an AUTOINCREMENT rowid, assigned when
 * the row is inserted. SQLite has one writer at a time per database file, in
 * WAL mode too, and a write transaction holds that lock from its first write
 * (here from BEGIN IMMEDIATE) until it commits. So the transaction that gets
 * positions N+1.. can only start writing after the one holding N has
 * committed, and a WAL reader sees whole committed transactions. Hence: once
 * any reader sees position H, every position below H that will ever exist is
 * already visible. This holds across processes sharing the file, because the
 * lock lives in the file system (and the WAL index), not in this process. It
 * does NOT hold on network file systems with broken locking, where SQLite's WAL
 * mode is unsupported anyway. AUTOINCREMENT (not a bare rowid) also guarantees
 * a position is never reused, even if the newest rows were ever deleted.
 *
 * Durability: a commit is in the WAL file when `append` resolves. With
 * synchronous=NORMAL the WAL is fsynced only at checkpoints, so a killed
 * process (SIGKILL, OOM) loses nothing: the data sits in the OS page cache
 * and reaches the disk anyway. Only a power loss or kernel crash can drop the
 * last commits. synchronous=FULL fsyncs the WAL on every commit and survives
 * that too, at a large cost per append; hence NORMAL by default, FULL as an
 * option for single-node deployments that need it.
 */
export interface SqliteEventStoreOptions {
  /** Default NORMAL: survives process crashes. FULL also survives power loss. */
  readonly synchronous?: 'NORMAL' | 'FULL';
  /** How often a live subscription looks for appends made by other processes. Default 50 ms. */
  readonly pollIntervalMs?: number;
  /**
   * How long a write waits for another process's write lock before failing
   * with EventStoreUnavailableError. Default 5000 ms. better-sqlite3 is
   * synchronous, so that wait blocks this process's event loop: keep it short.
   */
  readonly busyTimeoutMs?: number;
  /** Events read per query while a subscription catches up. Default 500. */
  readonly pageSize?: number;
  /**
   * SQLite page cache, in MiB. Default 32. Random UUIDs make every append
   * touch a random page of the event id index; with SQLite's 2 MiB default,
   * appends slowed 3.5x between 0 and 300k events, with 64 MiB 2.3x.
   */
  readonly cacheSizeMb?: number;
}

/** One stream's part of an `appendMany` batch. */
export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly EventToAppend[];
  readonly expected: ExpectedRevision;
}

interface EventRow {
  position: bigint;
  stream_id: string;
  revision: bigint;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: bigint;
}

/** An append validated and serialised outside the write lock. */
interface PreparedAppend {
  readonly streamId: string;
  readonly expected: ExpectedRevision;
  readonly ids: readonly string[];
  readonly events: readonly { type: string; data: string; metadata: string }[];
}

const SCHEMA_VERSION = 1;
const MAX_INT64 = 9223372036854775807n;
const NO_LIMIT = -1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id   TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    event_id    TEXT    NOT NULL UNIQUE,
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    metadata    TEXT    NOT NULL,
    recorded_at INTEGER NOT NULL,
    UNIQUE (stream_id, revision)
  );
  -- Reads of the log filtered by event type.
  CREATE INDEX IF NOT EXISTS events_by_type ON events (type, position);
`;

/** Would `expected` have been satisfied by a stream whose last revision is `current` (-1n: no stream)? */
function expectationHolds(expected: ExpectedRevision, current: bigint): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === -1n;
    case 'stream_exists':
      return current >= 0n;
    default:
      return current === expected;
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    eventId: row.event_id,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    recordedAt: new Date(Number(row.recorded_at)),
  };
}

function limitOf(maxCount: number | undefined): number {
  if (maxCount === undefined) return NO_LIMIT;
  if (!Number.isInteger(maxCount) || maxCount < 0) {
    throw new RangeError(`maxCount must be a non-negative integer, got ${maxCount}`);
  }
  return maxCount;
}

function isBusy(error: unknown): boolean {
  return isSqliteError(error) && error.code.startsWith('SQLITE_BUSY');
}

export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly subscriptions = new Set<SqliteSubscription>();
  /** Wakes this process's live subscriptions right after a commit; other processes are seen by polling. */
  private readonly appendListeners = new Set<() => void>();
  private readonly rangeStatements = new Map<string, Database.Statement<unknown[], EventRow>>();
  private readonly sql;
  private readonly writeBatch: Database.Transaction<(batch: PreparedAppend[]) => AppendResult[]>;
  private closed = false;

  constructor(
    readonly filename: string,
    options: SqliteEventStoreOptions = {},
  ) {
    const synchronous = options.synchronous ?? 'NORMAL';
    if (synchronous !== 'NORMAL' && synchronous !== 'FULL') {
      throw new Error(`SqliteEventStore: synchronous must be NORMAL or FULL, got '${synchronous}'`);
    }
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.pageSize = options.pageSize ?? 500;

    this.db = new Database(filename, { timeout: options.busyTimeoutMs ?? 5000 });
    this.db.pragma('journal_mode = WAL'); // ':memory:' stays 'memory', which is fine for tests
    this.db.pragma(`synchronous = ${synchronous}`);
    this.db.pragma(`cache_size = ${-Math.round((options.cacheSizeMb ?? 32) * 1024)}`); // negative: KiB
    this.db.defaultSafeIntegers(true); // positions and revisions come back as bigint
    this.migrate();

    this.sql = {
      lastRevision: this.db.prepare<[string], { revision: bigint }>(
        'SELECT revision FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
      ),
      byEventId: this.db.prepare<[string], EventRow>('SELECT * FROM events WHERE event_id = ?'),
      insert: this.db.prepare(
        `INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      head: this.db.prepare<[], { position: bigint | null }>(
        'SELECT MAX(position) AS position FROM events',
      ),
      streamForwards: this.db.prepare<[string, bigint, number], EventRow>(
        'SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
      ),
      streamBackwards: this.db.prepare<[string, bigint, number], EventRow>(
        'SELECT * FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
      ),
      ping: this.db.prepare('SELECT 1'),
      countAfter: this.db.prepare<[bigint], { n: bigint }>('SELECT count(*) AS n FROM events WHERE position > ?'),
    };
    this.writeBatch = this.db.transaction((batch: PreparedAppend[]) =>
      batch.map((append) => this.write(append)),
    );
  }

  async append(
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const [result] = this.commit([this.prepare(streamId, events, expected)]);
    return result;
  }

  /**
   * Appends to several streams in ONE transaction: all or nothing, one commit
   * (one WAL write) for the lot. Not part of the EventStore port, because
   * EventStoreDB has no equivalent; for imports and benchmarks.
   */
  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    if (appends.length === 0) return [];
    return this.commit(appends.map((a) => this.prepare(a.streamId, a.events, a.expected)));
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const limit = limitOf(options.maxCount);
    const rows =
      options.direction === 'backwards'
        ? this.sql.streamBackwards.all(streamId, options.fromRevision ?? MAX_INT64, limit)
        : this.sql.streamForwards.all(streamId, options.fromRevision ?? 0n, limit);
    if (rows.length === 0 && this.lastRevision(streamId) < 0n) {
      throw new StreamNotFoundError(streamId);
    }
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.readRange(
      options.after ?? -1n,
      MAX_INT64,
      options.filter,
      limitOf(options.maxCount),
    );
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    if (this.closed) throw new Error('SqliteEventStore is closed');
    const subscription = new SqliteSubscription(
      {
        head: () => this.head(),
        readRange: (after, upTo, limit) => this.readRange(after, upTo, options.filter, limit),
        onAppend: (listener) => {
          this.appendListeners.add(listener);
          return () => this.appendListeners.delete(listener);
        },
        pollIntervalMs: this.pollIntervalMs,
        pageSize: this.pageSize,
      },
      options.after ?? -1n,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<bigint> {
    return this.head();
  }

  /** Positions are row ids, so counting a range is an index walk. */
  async countAfter(position: bigint): Promise<number> {
    return Number(this.sql.countAfter.get(position)!.n);
  }

  async ping(): Promise<void> {
    this.sql.ping.get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.db.close();
  }

  private migrate(): void {
    const version = Number(this.db.pragma('user_version', { simple: true }));
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `${this.filename} has event store schema v${version}; this build knows up to v${SCHEMA_VERSION}`,
      );
    }
    this.db
      .transaction(() => {
        this.db.exec(SCHEMA);
        this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })
      .immediate();
  }

  private prepare(
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
  ): PreparedAppend {
    const ids = validateAppend(streamId, events, expected);
    const serialised = events.map((event) => {
      try {
        return {
          type: event.type,
          data: JSON.stringify(event.data),
          metadata: JSON.stringify(event.metadata),
        };
      } catch (error) {
        // BigInt values and cycles cannot be stored as JSON.
        throw new InvalidAppendError(
          `Event '${event.eventId}' is not serialisable as JSON: ${error}`,
        );
      }
    });
    return { streamId, expected, ids, events: serialised };
  }

  private commit(batch: PreparedAppend[]): AppendResult[] {
    let results: AppendResult[];
    try {
      // IMMEDIATE takes the write lock before reading the stream's revision, so
      // the check and the insert are atomic against other processes too.
      results = this.writeBatch.immediate(batch);
    } catch (error) {
      if (isBusy(error)) {
        throw new EventStoreUnavailableError(
          `${this.filename} stayed locked by another writer`,
          error,
        );
      }
      throw error;
    }
    for (const listener of [...this.appendListeners]) listener();
    return results;
  }

  /** Runs inside the write transaction. */
  private write(append: PreparedAppend): AppendResult {
    const { streamId, expected, ids, events } = append;
    const alreadyStored = this.sql.byEventId.get(ids[0]);
    if (alreadyStored) return this.replay(append, alreadyStored);

    const current = this.lastRevision(streamId);
    if (!expectationHolds(expected, current)) {
      throw new WrongExpectedRevisionError(streamId, expected, current);
    }
    const recordedAt = Date.now();
    let position = -1n;
    events.forEach((event, i) => {
      try {
        const result = this.sql.insert.run(
          streamId,
          current + 1n + BigInt(i),
          ids[i],
          event.type,
          event.data,
          event.metadata,
          recordedAt,
        );
        position = BigInt(result.lastInsertRowid);
      } catch (error) {
        if (isSqliteError(error) && error.message.includes('events.event_id')) {
          // A later id of the batch is stored but the first is not: not a retry of one append.
          throw new InvalidAppendError(
            `Event id '${ids[i]}' is already stored; a retry must resend the original batch unchanged`,
          );
        }
        throw error;
      }
    });
    return { nextRevision: current + BigInt(events.length), position };
  }

  /**
   * Idempotent retry. The first id is already stored, so this is either a
   * retry of an earlier append or a mistake. Our rule, close to EventStoreDB's:
   *  - every id of the batch is stored in THIS stream, contiguously and in the
   *    same order, and `expected` would have held when that batch was written
   *    (the stream was then at its first revision - 1): nothing is written and
   *    the ORIGINAL result is returned, however far the stream has moved since.
   *    Append boundaries are not recorded (EventStoreDB does not check them
   *    either), so a contiguous run from inside a stored append replays too;
   *  - same batch, but an `expected` that the original write would have failed:
   *    WrongExpectedRevisionError against the current revision;
   *  - the id lives in another stream, or only part of the batch matches:
   *    InvalidAppendError. Event ids are unique across the whole log here, and
   *    re-reading the stream cannot fix either case, so it is not a conflict.
   *    (EventStoreDB reports a partial match as a wrong expected version and
   *    does not check ids across streams.)
   */
  private replay(append: PreparedAppend, first: EventRow): AppendResult {
    const { streamId, expected, ids } = append;
    if (first.stream_id !== streamId) {
      throw new InvalidAppendError(
        `Event id '${ids[0]}' is already stored in stream '${first.stream_id}', not '${streamId}'`,
      );
    }
    const stored = this.sql.streamForwards.all(streamId, first.revision, ids.length);
    const sameBatch =
      stored.length === ids.length && stored.every((row, i) => row.event_id === ids[i]);
    if (!sameBatch) {
      throw new InvalidAppendError(
        `Append to '${streamId}' overlaps events already stored but is not the same batch`,
      );
    }
    if (!expectationHolds(expected, first.revision - 1n)) {
      throw new WrongExpectedRevisionError(streamId, expected, this.lastRevision(streamId));
    }
    const last = stored[stored.length - 1];
    return { nextRevision: last.revision, position: last.position };
  }

  private lastRevision(streamId: string): bigint {
    return this.sql.lastRevision.get(streamId)?.revision ?? -1n;
  }

  private head(): bigint {
    return this.sql.head.get()?.position ?? -1n;
  }

  /** Events with after < position <= upTo matching the filter, in position order. */
  private readRange(
    after: bigint,
    upTo: bigint,
    filter: EventFilter | undefined,
    limit: number,
  ): RecordedEvent[] {
    // An empty list means "no constraint", the same in both adapters.
    const types = filter?.eventTypes ?? [];
    const prefixes = filter?.streamPrefixes ?? [];
    const rows = this.rangeStatement(types.length, prefixes.length).all(
      after,
      upTo,
      ...types,
      ...prefixes,
      limit,
    );
    return rows.map(toRecordedEvent);
  }

  /** One prepared statement per filter shape (number of types, number of prefixes). */
  private rangeStatement(typeCount: number, prefixCount: number) {
    const key = `${typeCount}/${prefixCount}`;
    let statement = this.rangeStatements.get(key);
    if (!statement) {
      const where = ['position > ?', 'position <= ?'];
      if (typeCount > 0) where.push(`type IN (${Array(typeCount).fill('?').join(', ')})`);
      // instr(...) = 1 is "starts with" without LIKE's wildcards and case folding.
      if (prefixCount > 0) {
        where.push(`(${Array(prefixCount).fill('instr(stream_id, ?) = 1').join(' OR ')})`);
      }
      statement = this.db.prepare<unknown[], EventRow>(
        `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY position LIMIT ?`,
      );
      this.rangeStatements.set(key, statement);
    }
    return statement;
  }
}

/** What a subscription needs from its store; keeps the subscription logic apart from SQL. */
interface SubscriptionSource {
  head(): bigint;
  readRange(after: bigint, upTo: bigint, limit: number): RecordedEvent[];
  /** Calls `listener` after each local commit until the returned function unregisters it. */
  onAppend(listener: () => void): () => void;
  readonly pollIntervalMs: number;
  readonly pageSize: number;
}

/**
 * Catch-up then live, pull-based: each `next()` serves from a page read from
 * the log; when the log holds nothing newer it waits for a local append or
 * the poll interval (appends by other processes), whichever comes first.
 */
class SqliteSubscription implements EventSubscription, AsyncIterator<RecordedEvent> {
  /** Every matching event at or before `cursor` has been put in the buffer. */
  private cursor: bigint;
  private buffer: RecordedEvent[] = [];
  private index = 0;
  private closed = false;
  private wake?: () => void;
  /** Serialises next() calls so that two concurrent ones cannot deliver out of order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly source: SubscriptionSource,
    after: bigint,
    private readonly onClose: () => void,
  ) {
    this.cursor = after;
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this;
  }

  next(): Promise<IteratorResult<RecordedEvent>> {
    const result = this.queue.then(() => this.pull());
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Called by `for await` on break/throw. */
  async return(): Promise<IteratorResult<RecordedEvent>> {
    await this.close();
    return { done: true, value: undefined };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    this.onClose();
  }

  private async pull(): Promise<IteratorResult<RecordedEvent>> {
    for (;;) {
      if (this.closed) return { done: true, value: undefined };
      if (this.index < this.buffer.length) {
        return { done: false, value: this.buffer[this.index++] };
      }
      if (!this.fetchPage()) await this.waitForAppend();
    }
  }

  /** Reads the next page after the cursor; false when nothing new matched. */
  private fetchPage(): boolean {
    // Everything up to `head` is final (see the ordering note on SqliteEventStore),
    // so once a short page comes back the cursor can jump to head, past events
    // the filter skipped, without rescanning them on every poll.
    const head = this.source.head();
    if (head <= this.cursor) return false;
    const page = this.source.readRange(this.cursor, head, this.source.pageSize);
    this.cursor = page.length === this.source.pageSize ? page[page.length - 1].position : head;
    this.buffer = page;
    this.index = 0;
    return page.length > 0;
  }

  private waitForAppend(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unregister();
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.source.pollIntervalMs);
      const unregister = this.source.onAppend(done);
      this.wake = done;
    });
  }
}

/**
 * Matched by shape, not `instanceof`: better-sqlite3 registers its error
 * class once per loaded native module, so where the module is shared across
 * sandboxes (jest's per-file realms) the error comes from another realm and
 * is not even `instanceof Object` here.
 */
function isSqliteError(error: unknown): error is Error & { code: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'SqliteError' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}
