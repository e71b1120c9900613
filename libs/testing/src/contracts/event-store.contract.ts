import { randomUUID } from 'node:crypto';
import {
  InvalidAppendError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '@pulse/platform/event-store/event-store.errors';
import type {
  EventFilter,
  EventStore,
  EventSubscription,
  EventToAppend,
  JsonObject,
  RecordedEvent,
  SubscribeOptions,
} from '@pulse/platform/event-store/event-store.port';

/**
 * The one behavioural contract of the EventStore port. Every adapter runs it:
 * the embedded SQLite store always, KurrentDB whenever EVENTSTORE_URL is set.
 *
 * Each test writes only to streams named `<namespace><label>` with a fresh
 * random namespace and reads the global log through a filter on that prefix,
 * so the suite also runs against a shared server that holds other data.
 * Nothing waits on a timer to decide an ordering: subscription tests wait for
 * the events themselves, up to a deadline.
 */
export function describeEventStoreContract(
  name: string,
  makeStore: () => Promise<EventStore>,
): void {
  const TEST_TIMEOUT_MS = 60_000;

  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let ns: string;
    const subscriptions: EventSubscription[] = [];

    const stream = (label: string) => `${ns}${label}`;
    const mine = (extra: EventFilter = {}): EventFilter => ({ streamPrefixes: [ns], ...extra });
    const subscribe = (options: SubscribeOptions) => {
      const subscription = store.subscribeToAll(options);
      subscriptions.push(subscription);
      return subscription;
    };

    beforeEach(async () => {
      store = await makeStore();
      ns = `contract-${randomUUID().replace(/-/g, '')}-`;
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
      await store.close();
    });

    it(
      'appends events and reads them back with their data and metadata',
      async () => {
        const s = stream('roundtrip');
        const start = await store.headPosition();
        const viewed = event(
          'ItemViewed',
          { itemId: 'i-1', price: 12.5, tags: ['a', 'b'], nested: { ok: true, none: null } },
          { correlationId: 'c-1', schemaVersion: 1 },
        );
        const added = event(
          'ItemAddedToCart',
          { itemId: 'i-1', quantity: 2 },
          { correlationId: 'c-1' },
        );

        const result = await store.append(s, [viewed, added], 'no_stream');
        const read = await store.readStream(s);

        expect(result.nextRevision).toBe(1n);
        expect(
          read.map(({ streamId, revision, eventId, type, data, metadata }) => ({
            streamId,
            revision,
            eventId,
            type,
            data,
            metadata,
          })),
        ).toEqual([
          {
            streamId: s,
            revision: 0n,
            eventId: viewed.eventId,
            type: 'ItemViewed',
            data: viewed.data,
            metadata: viewed.metadata,
          },
          {
            streamId: s,
            revision: 1n,
            eventId: added.eventId,
            type: 'ItemAddedToCart',
            data: added.data,
            metadata: added.metadata,
          },
        ]);
        expect(read[0].position).toBeGreaterThan(start);
        expect(read[1].position).toBeGreaterThan(read[0].position);
        expect(read[1].position).toBe(result.position);
        for (const e of read) {
          expect(e.recordedAt).toBeInstanceOf(Date);
          // Within ten minutes of now: catches seconds-vs-milliseconds and unset clocks.
          expect(Math.abs(e.recordedAt.getTime() - Date.now())).toBeLessThan(10 * 60_000);
        }
        const all = await store.readAll({ after: start, filter: mine() });
        expect(all.map((e) => [e.eventId, e.position])).toEqual(
          read.map((e) => [e.eventId, e.position]),
        );
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'rejects malformed appends and writes nothing',
      async () => {
        const s = stream('malformed');
        const valid = event();
        await expect(store.append(s, [], 'any')).rejects.toBeInstanceOf(InvalidAppendError);
        await expect(
          store.append(s, [{ ...valid, eventId: 'not-a-uuid' }], 'any'),
        ).rejects.toBeInstanceOf(InvalidAppendError);
        await expect(
          store.append(s, [valid, { ...event(), eventId: valid.eventId }], 'any'),
        ).rejects.toBeInstanceOf(InvalidAppendError);
        await expect(store.readStream(s)).rejects.toBeInstanceOf(StreamNotFoundError);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'no_stream: succeeds on a new stream and conflicts once it exists',
      async () => {
        const s = stream('no-stream');
        await expect(store.append(s, [event(), event()], 'no_stream')).resolves.toMatchObject({
          nextRevision: 1n,
        });

        const error = await conflictOf(store.append(s, [event()], 'no_stream'));
        expect(error).toMatchObject({
          code: 'conflict',
          streamId: s,
          expected: 'no_stream',
          actual: 1n,
        });
        expect(await store.readStream(s)).toHaveLength(2);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'stream_exists: conflicts on a new stream and succeeds once it exists',
      async () => {
        const s = stream('exists');
        const error = await conflictOf(store.append(s, [event()], 'stream_exists'));
        expect(error).toMatchObject({ streamId: s, expected: 'stream_exists', actual: -1n });
        await expect(store.readStream(s)).rejects.toBeInstanceOf(StreamNotFoundError);

        await store.append(s, [event()], 'no_stream');
        await expect(store.append(s, [event()], 'stream_exists')).resolves.toMatchObject({
          nextRevision: 1n,
        });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'exact revision: succeeds at the current revision and conflicts at any other',
      async () => {
        const s = stream('exact');
        const missing = await conflictOf(store.append(s, [event()], 0n));
        expect(missing).toMatchObject({ streamId: s, expected: 0n, actual: -1n });

        await store.append(s, [event(), event()], 'no_stream');
        await expect(store.append(s, [event()], 1n)).resolves.toMatchObject({ nextRevision: 2n });

        const stale = await conflictOf(store.append(s, [event()], 1n));
        expect(stale).toMatchObject({ streamId: s, expected: 1n, actual: 2n });
        const ahead = await conflictOf(store.append(s, [event()], 5n));
        expect(ahead).toMatchObject({ streamId: s, expected: 5n, actual: 2n });
        expect((await store.readStream(s)).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'any: appends whatever the stream state',
      async () => {
        const s = stream('any');
        await expect(store.append(s, [event()], 'any')).resolves.toMatchObject({
          nextRevision: 0n,
        });
        await expect(store.append(s, [event(), event()], 'any')).resolves.toMatchObject({
          nextRevision: 2n,
        });
        expect(await store.readStream(s)).toHaveLength(3);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'a retry with the same event ids and expected revision writes once and returns the original result',
      async () => {
        const s = stream('idempotent');
        const start = await store.headPosition();
        const batch = [event('First'), event('Second')];
        const later = [event('Third')];

        const first = await store.append(s, batch, 'no_stream');
        expect(await store.append(s, batch, 'no_stream')).toEqual(first);
        const third = await store.append(s, later, 1n);
        expect(await store.append(s, later, 1n)).toEqual(third);
        // A retry that arrives after the stream moved on still gets its original answer.
        expect(await store.append(s, batch, 'no_stream')).toEqual(first);

        const read = await store.readStream(s);
        expect(read.map((e) => e.eventId)).toEqual([...batch, ...later].map((e) => e.eventId));
        expect(await store.readAll({ after: start, filter: mine() })).toHaveLength(3);
        expect(third.position).toBe(read[2].position);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'keeps order within a stream and assigns strictly increasing global positions in append order',
      async () => {
        const [a, b, c] = [stream('order-a'), stream('order-b'), stream('order-c')];
        const start = await store.headPosition();
        const plan: [string, bigint | 'no_stream', number][] = [
          [a, 'no_stream', 1],
          [b, 'no_stream', 2],
          [a, 0n, 3],
          [c, 'no_stream', 1],
          [b, 1n, 1],
          [a, 3n, 1],
        ];
        const written: { streamId: string; eventId: string }[] = [];
        let previous = start;
        for (const [streamId, expected, count] of plan) {
          const events = Array.from({ length: count }, () => event());
          const result = await store.append(streamId, events, expected);
          expect(result.position).toBeGreaterThan(previous);
          previous = result.position;
          written.push(...events.map((e) => ({ streamId, eventId: e.eventId })));
        }

        const all = await store.readAll({ after: start, filter: mine() });
        expect(all.map((e) => ({ streamId: e.streamId, eventId: e.eventId }))).toEqual(written);
        expect(isStrictlyIncreasing(all.map((e) => e.position))).toBe(true);
        expect(all[all.length - 1].position).toBe(previous);

        const streamA = await store.readStream(a);
        expect(streamA.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
        expect(streamA.map((e) => e.eventId)).toEqual(
          written.filter((w) => w.streamId === a).map((w) => w.eventId),
        );
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'reads a stream backwards, from a revision and up to a count',
      async () => {
        const s = stream('paging');
        await store.append(
          s,
          Array.from({ length: 5 }, (_, n) => event('Paged', { n })),
          'no_stream',
        );
        const revisions = async (options: Parameters<EventStore['readStream']>[1]) =>
          (await store.readStream(s, options)).map((e) => Number(e.revision));

        expect(await revisions({})).toEqual([0, 1, 2, 3, 4]);
        expect(await revisions({ direction: 'backwards' })).toEqual([4, 3, 2, 1, 0]);
        expect(await revisions({ fromRevision: 2n })).toEqual([2, 3, 4]);
        expect(await revisions({ fromRevision: 2n, direction: 'backwards' })).toEqual([2, 1, 0]);
        expect(await revisions({ maxCount: 2 })).toEqual([0, 1]);
        expect(await revisions({ maxCount: 2, direction: 'backwards' })).toEqual([4, 3]);
        expect(await revisions({ fromRevision: 1n, maxCount: 2 })).toEqual([1, 2]);
        expect(await revisions({ fromRevision: 3n, maxCount: 2, direction: 'backwards' })).toEqual([
          3, 2,
        ]);
        expect(await revisions({ fromRevision: 5n })).toEqual([]);
        const data = (await store.readStream(s, { fromRevision: 4n })).map((e) => e.data);
        expect(data).toEqual([{ n: 4 }]);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'throws StreamNotFoundError for a stream without events',
      async () => {
        const s = stream('missing');
        const forwards = await store.readStream(s).catch((e: unknown) => e);
        expect(forwards).toBeInstanceOf(StreamNotFoundError);
        expect(forwards).toMatchObject({ code: 'not_found', streamId: s });
        await expect(store.readStream(s, { direction: 'backwards' })).rejects.toBeInstanceOf(
          StreamNotFoundError,
        );
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'reads the global log after a position (exclusive), by event type and stream prefix',
      async () => {
        const start = await store.headPosition();
        const type = (t: string) => `${ns}${t}`; // per-test types, so a type-only filter sees only ours
        const views = stream('views-1');
        const carts = stream('carts-1');
        await store.append(
          views,
          [event(type('Viewed'), { n: 1 }), event(type('Viewed'), { n: 2 })],
          'no_stream',
        );
        await store.append(carts, [event(type('Carted'), { n: 3 })], 'no_stream');
        await store.append(views, [event(type('Searched'), { n: 4 })], 1n);
        const numbers = (events: RecordedEvent[]) => events.map((e) => e.data.n);

        const all = await store.readAll({ after: start, filter: mine() });
        expect(numbers(all)).toEqual([1, 2, 3, 4]);
        expect(numbers(await store.readAll({ after: all[1].position, filter: mine() }))).toEqual([
          3, 4,
        ]);
        expect(await store.readAll({ after: all[3].position, filter: mine() })).toEqual([]);
        expect(
          numbers(await store.readAll({ after: all[0].position, maxCount: 2, filter: mine() })),
        ).toEqual([2, 3]);
        expect(
          numbers(
            await store.readAll({
              after: start,
              filter: mine({ eventTypes: [type('Viewed'), type('Carted')] }),
            }),
          ),
        ).toEqual([1, 2, 3]);
        expect(
          numbers(
            await store.readAll({ after: start, filter: { streamPrefixes: [stream('carts-')] } }),
          ),
        ).toEqual([3]);
        expect(
          numbers(
            await store.readAll({
              after: start,
              filter: {
                eventTypes: [type('Searched')],
                streamPrefixes: [stream('carts-'), stream('views-')],
              },
            }),
          ),
        ).toEqual([4]);
        expect(
          numbers(await store.readAll({ after: start, filter: { eventTypes: [type('Viewed')] } })),
        ).toEqual([1, 2]);
        expect(
          numbers(
            await store.readAll({
              after: all[0].position,
              maxCount: 1,
              filter: { eventTypes: [type('Viewed'), type('Searched')] },
            }),
          ),
        ).toEqual([2]);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'a subscription catches up from the log, then delivers live appends in order',
      async () => {
        const start = await store.headPosition();
        const s = stream('live');
        const history = [event('Old'), event('Old'), event('Old')];
        await store.append(s, history, 'no_stream');
        const everything = subscribe({ after: start, filter: mine() });
        const onlyNew = subscribe({ after: start, filter: mine({ eventTypes: ['New'] }) });

        const caughtUp = await take(everything, 3);
        const live = [event('New'), event('Old'), event('New')];
        await store.append(s, [live[0]], 2n);
        await store.append(stream('live-other'), [live[1]], 'no_stream');
        await store.append(s, [live[2]], 3n);
        const followed = await take(everything, 3);
        const filtered = await take(onlyNew, 2);

        const delivered = [...caughtUp, ...followed];
        expect(delivered.map((e) => e.eventId)).toEqual(
          [...history, ...live].map((e) => e.eventId),
        );
        expect(isStrictlyIncreasing(delivered.map((e) => e.position))).toBe(true);
        expect(filtered.map((e) => e.eventId)).toEqual([live[0].eventId, live[2].eventId]);
        const log = await store.readAll({ after: start, filter: mine() });
        expect(delivered.map(positionOf)).toEqual(log.map(positionOf));
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'resumes from a checkpoint with no gap and no duplicate',
      async () => {
        const start = await store.headPosition();
        const s = stream('resume');
        await store.append(s, [event(), event(), event(), event()], 'no_stream');

        const first = subscribe({ after: start, filter: mine() });
        const consumed = await take(first, 2);
        await first.close();
        const checkpoint = consumed[consumed.length - 1].position;

        await store.append(s, [event(), event()], 3n);
        const resumed = subscribe({ after: checkpoint, filter: mine() });
        const rest = await take(resumed, 4);
        // Appended last: if anything were delivered twice or out of order, it would come before this.
        const sentinel = event('Sentinel');
        await store.append(stream('resume-sentinel'), [sentinel], 'no_stream');
        const [next] = await take(resumed, 1);

        const log = await store.readAll({ after: start, filter: mine() });
        expect([...consumed, ...rest, next].map(positionOf)).toEqual(log.map(positionOf));
        expect(next.eventId).toBe(sentinel.eventId);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'serialises 20 concurrent writers on 5 streams through expected revisions',
      async () => {
        const streams = Array.from({ length: 5 }, (_, i) => stream(`contended-${i}`));
        const writers = 20;
        const appendsPerWriter = 5;
        /** Per `${stream}@${revision the writer saw}`: how many appends won and lost. */
        const tally = new Map<string, { won: number; lost: number }>();
        const wins: { writer: number; streamId: string; eventId: string; revision: bigint }[] = [];

        const write = async (writer: number) => {
          const streamId = streams[writer % streams.length];
          for (let seq = 0; seq < appendsPerWriter;) {
            const seen = await currentRevision(store, streamId);
            const key = `${streamId}@${seen}`;
            const count = tally.get(key) ?? { won: 0, lost: 0 };
            tally.set(key, count);
            const e = event('Contended', { writer, seq });
            try {
              const result = await store.append(streamId, [e], seen < 0n ? 'no_stream' : seen);
              count.won++;
              wins.push({ writer, streamId, eventId: e.eventId, revision: result.nextRevision });
              seq++;
            } catch (error) {
              if (!(error instanceof WrongExpectedRevisionError)) throw error;
              expect(error.streamId).toBe(streamId);
              expect(error.actual).toBeGreaterThan(seen);
              count.lost++;
            }
          }
        };
        await Promise.all(Array.from({ length: writers }, (_, w) => write(w)));

        const perStream = (writers / streams.length) * appendsPerWriter;
        for (const streamId of streams) {
          const events = await store.readStream(streamId);
          expect(events.map((e) => e.revision)).toEqual(
            Array.from({ length: perStream }, (_, i) => BigInt(i)),
          );
          const won = wins.filter((w) => w.streamId === streamId);
          expect(events.map((e) => e.eventId).sort()).toEqual(won.map((w) => w.eventId).sort());
          for (const w of won) expect(events[Number(w.revision)].eventId).toBe(w.eventId);
          for (let writer = 0; writer < writers; writer++) {
            const own = events.filter((e) => e.data.writer === writer).map((e) => e.data.seq);
            if (own.length > 0) expect(own).toEqual([0, 1, 2, 3, 4]);
          }
        }
        expect(wins).toHaveLength(writers * appendsPerWriter);
        // Every revision some writer saw was claimed by exactly one append.
        for (const [key, count] of tally) expect({ key, won: count.won }).toEqual({ key, won: 1 });
      },
      TEST_TIMEOUT_MS,
    );
  });
}

function event(type = 'Tested', data: JsonObject = {}, metadata: JsonObject = {}): EventToAppend {
  return { eventId: randomUUID(), type, data, metadata };
}

function positionOf(e: RecordedEvent): [string, bigint] {
  return [e.eventId, e.position];
}

function isStrictlyIncreasing(values: bigint[]): boolean {
  return values.every((v, i) => i === 0 || v > values[i - 1]);
}

async function conflictOf(append: Promise<unknown>): Promise<WrongExpectedRevisionError> {
  const error = await append.then(
    () => new Error('expected a WrongExpectedRevisionError, but the append succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  return error as WrongExpectedRevisionError;
}

async function currentRevision(store: EventStore, streamId: string): Promise<bigint> {
  try {
    const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    return last.revision;
  } catch (error) {
    if (error instanceof StreamNotFoundError) return -1n;
    throw error;
  }
}

/** The next `count` events of a subscription, or a failure naming what did arrive by the deadline. */
export async function take(
  subscription: EventSubscription,
  count: number,
  timeoutMs = 15_000,
): Promise<RecordedEvent[]> {
  const iterator = subscription[Symbol.asyncIterator]();
  const received: RecordedEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (received.length < count) {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()));
    });
    const next = await Promise.race([iterator.next(), timedOut]).finally(() => clearTimeout(timer));
    if (next === 'timeout') {
      const got = received.map((e) => `${e.streamId}@${e.revision}`).join(', ');
      throw new Error(
        `Expected ${count} events within ${timeoutMs} ms, received ${received.length}: [${got}]`,
      );
    }
    if (next.done)
      throw new Error(`Subscription ended after ${received.length} of ${count} events`);
    received.push(next.value);
  }
  return received;
}
