import {
  StreamNotFoundError as ClientStreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import {
  EventStoreUnavailableError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from './event-store.errors';
import {
  backoffDelay,
  eventTypesRegex,
  isTransient,
  mapClientError,
  planFilter,
  readPositionAt,
  toActualRevision,
  toJsonObject,
  toStreamState,
  withRetry,
} from './kurrentdb-event-store.adapter';

/** What a refused connection looks like when it reaches us: a raw gRPC error, not the client's class. */
const connectionRefused = () =>
  Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });

describe('KurrentDB adapter mapping', () => {
  it('maps expected revisions to stream states and the actual state back to a revision', () => {
    expect(['any', 'no_stream', 'stream_exists', 7n].map((e) => toStreamState(e as never))).toEqual(
      ['any', 'no_stream', 'stream_exists', 7n],
    );
    expect(toActualRevision('no_stream')).toBe(-1n);
    expect(toActualRevision(4n)).toBe(4n);
  });

  it('builds an event type regex that matches exact names only', () => {
    const regex = new RegExp(eventTypesRegex(['ItemViewed', 'Cart.Updated']));
    expect(['ItemViewed', 'Cart.Updated'].map((t) => regex.test(t))).toEqual([true, true]);
    expect(
      ['ItemViewedTwice', 'XItemViewed', 'CartXUpdated', '$ItemViewed'].map((t) => regex.test(t)),
    ).toEqual([false, false, false, false]);
  });

  it('sends stream prefixes to the server and checks event types client-side when both are given', () => {
    const plan = planFilter({ eventTypes: ['Viewed'], streamPrefixes: ['shopper-', 'item-'] });
    expect(plan.server).toMatchObject({ filterOn: 'streamName', prefixes: ['shopper-', 'item-'] });
    expect(plan.matches('shopper-1', 'Viewed')).toBe(true);
    expect(plan.matches('item-9', 'Viewed')).toBe(true);
    expect(plan.matches('shopper-1', 'Purchased')).toBe(false);
    expect(plan.matches('model-1', 'Viewed')).toBe(false);
  });

  it('filters on event type server-side when only types are given, and never lets system events through', () => {
    const byType = planFilter({ eventTypes: ['Viewed'] });
    expect(byType.server).toMatchObject({ filterOn: 'eventType', regex: '^(?:Viewed)$' });
    expect(byType.matches('anything', 'Viewed')).toBe(true);

    const none = planFilter();
    expect(none.server).toMatchObject({ filterOn: 'eventType', regex: '^[^$].*' });
    expect(none.matches('shopper-1', 'Viewed')).toBe(true);
    expect(none.matches('$stats-127.0.0.1:2113', 'Viewed')).toBe(false);
    expect(none.matches('shopper-1', '$metadata')).toBe(false);
    expect(planFilter({ eventTypes: [], streamPrefixes: [] }).server).toEqual(none.server);
  });

  it('turns a checkpoint into a read position; -1n and no checkpoint mean the start', () => {
    expect(readPositionAt(undefined)).toBe('start');
    expect(readPositionAt(-1n)).toBe('start');
    expect(readPositionAt(1234n)).toEqual({ commit: 1234n, prepare: 1234n });
  });

  it("translates the client's errors into the port's", () => {
    const wrong = new WrongExpectedVersionError(undefined, {
      streamName: 'cart-1',
      expected: 3n,
      current: 5n,
    });
    const mapped = mapClientError(wrong, 'cart-1', 3n);
    expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
    expect(mapped).toMatchObject({ streamId: 'cart-1', expected: 3n, actual: 5n });

    const missing = new WrongExpectedVersionError(undefined, {
      streamName: 'cart-2',
      expected: 'stream_exists',
      current: 'no_stream',
    });
    expect(mapClientError(missing, 'cart-2', 'stream_exists')).toMatchObject({ actual: -1n });

    const notFound = mapClientError(new ClientStreamNotFoundError(undefined, 'cart-3'), 'cart-3');
    expect(notFound).toBeInstanceOf(StreamNotFoundError);
    expect(notFound).toMatchObject({ streamId: 'cart-3' });

    const bug = new TypeError('not a store error');
    expect(mapClientError(bug, 'cart-1', 'any')).toBe(bug);
  });

  it('treats unavailability as transient, raw gRPC connection failures included, and conflicts as not', () => {
    expect(isTransient(new UnavailableError())).toBe(true);
    expect(isTransient(connectionRefused())).toBe(true);
    expect(
      isTransient(
        new WrongExpectedVersionError(undefined, { streamName: 's', expected: 1n, current: 2n }),
      ),
    ).toBe(false);
    expect(isTransient(new WrongExpectedRevisionError('s', 1n, 2n))).toBe(false);
    expect(isTransient(new TypeError('bug'))).toBe(false);
  });

  it('backs off exponentially up to a cap', () => {
    const policy = { maxAttempts: 10, initialDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, policy))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('parses data and metadata into JSON objects and refuses anything else', () => {
    expect(toJsonObject({ a: 1 }, 'data')).toEqual({ a: 1 });
    expect(toJsonObject(new TextEncoder().encode('{"b":[1,2]}'), 'data')).toEqual({ b: [1, 2] });
    expect(toJsonObject(undefined, 'metadata')).toEqual({});
    expect(toJsonObject(new Uint8Array(), 'metadata')).toEqual({});
    expect(() => toJsonObject([1, 2], 'data of e1')).toThrow('data of e1 is not a JSON object');
    expect(() => toJsonObject('text', 'data of e2')).toThrow('not a JSON object');
  });
});

describe('withRetry', () => {
  const policy = { maxAttempts: 4, initialDelayMs: 10, maxDelayMs: 25 };

  it('retries transient failures with the backoff schedule and returns the eventual result', async () => {
    const waits: number[] = [];
    const outcomes: (Error | string)[] = [connectionRefused(), new UnavailableError(), 'done'];
    const result = await withRetry(
      'append',
      policy,
      async () => {
        const next = outcomes.shift()!;
        if (next instanceof Error) throw next;
        return next;
      },
      async (ms) => {
        waits.push(ms);
      },
    );
    expect(result).toBe('done');
    expect(waits).toEqual([10, 20]);
  });

  it('gives up after maxAttempts with EventStoreUnavailableError carrying the last cause', async () => {
    let attempts = 0;
    const last = connectionRefused();
    const error = await withRetry(
      'append',
      policy,
      async () => {
        attempts++;
        throw last;
      },
      async () => undefined,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect(error).toMatchObject({ code: 'unavailable', cause: last });
    expect(attempts).toBe(4);
  });

  it('does not retry a conflict', async () => {
    let attempts = 0;
    const conflict = new WrongExpectedRevisionError('s', 0n, 3n);
    await expect(
      withRetry('append', policy, async () => {
        attempts++;
        throw conflict;
      }),
    ).rejects.toBe(conflict);
    expect(attempts).toBe(1);
  });
});
