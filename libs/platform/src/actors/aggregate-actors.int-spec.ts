import { randomUUID } from 'node:crypto';
import type { Decider, DomainEvent } from '../domain/decider';
import { DomainRuleViolation } from '../domain/domain-rule-violation';
import { SqliteEventStore } from '../event-store/sqlite-event-store.adapter';
import type { EventStore } from '../event-store/event-store.port';
import { AggregateActors, type AggregateBinding } from './aggregate-actors';

// A tally that refuses to go negative: small enough to reason about, with a
// rule that makes ordering observable (subtracting before adding fails).
type TallyEvent = DomainEvent<'Added', { amount: number; tag: string }>;
interface Add {
  amount: number;
  tag: string;
}
const tally: Decider<number, Add, TallyEvent> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.amount,
  decide: (command, total) => {
    if (total + command.amount < 0) {
      throw new DomainRuleViolation('negative', `would go below zero (${total} + ${command.amount})`, 'amount');
    }
    return command.amount === 0 ? [] : [{ type: 'Added', data: { amount: command.amount, tag: command.tag } }];
  },
};
const binding: AggregateBinding<number, Add, TallyEvent> = {
  decider: tally,
  streamId: (key) => `tally-${key}`,
  toStored: (event) => ({ eventId: randomUUID(), type: event.type, data: event.data, metadata: {} }),
  fromStored: (recorded) => ({ type: 'Added', data: recorded.data as TallyEvent['data'] }),
};

describe('AggregateActors', () => {
  let store: EventStore;
  beforeEach(() => {
    store = new SqliteEventStore(':memory:');
  });
  afterEach(() => store.close());

  const actorsOn = (s: EventStore, maxCached = 100) =>
    new AggregateActors(s, binding, { maxCached, idleMs: 60_000 });

  it('applies commands for one key in the order they were posted', async () => {
    const actors = actorsOn(store);
    // Posted together: only the posting order makes every subtraction legal.
    const outcomes = await Promise.all([
      actors.execute('a', { amount: 5, tag: '1' }),
      actors.execute('a', { amount: -5, tag: '2' }),
      actors.execute('a', { amount: 3, tag: '3' }),
      actors.execute('a', { amount: -3, tag: '4' }),
    ]);
    expect(outcomes.every((o) => o.events.length === 1)).toBe(true);
    const stored = await store.readStream('tally-a');
    expect(stored.map((e) => e.data.tag)).toEqual(['1', '2', '3', '4']);
    expect(stored.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n]);
  });

  it('rejects one command of a batch without losing the others', async () => {
    const actors = actorsOn(store);
    const results = await Promise.allSettled([
      actors.execute('b', { amount: 2, tag: 'ok-1' }),
      actors.execute('b', { amount: -10, tag: 'refused' }),
      actors.execute('b', { amount: 1, tag: 'ok-2' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(DomainRuleViolation);
    const stored = await store.readStream('tally-b');
    expect(stored.map((e) => e.data.tag)).toEqual(['ok-1', 'ok-2']);
    expect((await actors.read('b')).state).toBe(3);
  });

  it('reports a global position for commands that stored events and none for no-ops', async () => {
    const actors = actorsOn(store);
    const stored = await actors.execute('c', { amount: 1, tag: 'x' });
    const noop = await actors.execute('c', { amount: 0, tag: 'noop' });
    expect(stored.position).toBe(await store.headPosition());
    expect(noop.events).toEqual([]);
    expect(noop.position).toBeUndefined();
  });

  it('reads state that includes every command posted before the read', async () => {
    const actors = actorsOn(store);
    void actors.execute('d', { amount: 4, tag: 'x' });
    void actors.execute('d', { amount: 6, tag: 'y' });
    const snapshot = await actors.read('d');
    expect(snapshot).toEqual({ state: 10, revision: 1n });
  });

  it('reloads and decides again when another process wrote to the stream', async () => {
    const here = actorsOn(store);
    const elsewhere = actorsOn(store); // its own cache, like a second process
    await here.execute('e', { amount: 1, tag: 'here-1' });
    await elsewhere.execute('e', { amount: 1, tag: 'elsewhere-1' }); // here's cache is now stale
    await here.execute('e', { amount: -2, tag: 'here-2' }); // legal only after seeing both
    const stored = await store.readStream('tally-e');
    expect(stored.map((e) => e.data.tag)).toEqual(['here-1', 'elsewhere-1', 'here-2']);
    expect((await here.read('e')).state).toBe(0);
  });

  it('keeps at most maxCached states and rebuilds evicted ones from the stream', async () => {
    const actors = actorsOn(store, 3);
    for (const key of ['k1', 'k2', 'k3', 'k4', 'k5']) {
      await actors.execute(key, { amount: key.length * 10, tag: key });
    }
    expect(actors.stats().cached).toBeLessThanOrEqual(3);
    expect((await actors.read('k1')).state).toBe(20);
  });

  it('passivates idle actors on sweep and rebuilds them on next use', async () => {
    const actors = new AggregateActors(store, binding, { maxCached: 100, idleMs: 0 });
    await actors.execute('f', { amount: 7, tag: 'x' });
    await new Promise((r) => setTimeout(r, 2));
    expect(actors.sweep()).toBe(1);
    expect(actors.stats().cached).toBe(0);
    expect(await actors.read('f')).toEqual({ state: 7, revision: 0n });
  });
});
