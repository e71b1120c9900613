import { randomUUID } from 'node:crypto';
import { SqliteDocumentStore } from '../document-store/sqlite-document-store.adapter';
import type { DocumentStore } from '../document-store/document-store.port';
import { SqliteEventStore } from '../event-store/sqlite-event-store.adapter';
import type { EventStore } from '../event-store/event-store.port';
import { EventRegistry } from '../events/event-registry';
import { z } from 'zod';
import type { Projection } from './projection';
import { ProjectionManager, ProjectionWaitTimeoutError } from './projection-manager';
import { physicalCollection } from './projection-runner';

// A projection small enough to check by hand: per stream, how many events
// and the sum of their amounts. Any lost, doubled or reordered event shows.
const registry = new EventRegistry().registerAll([
  { type: 'Counted', schemaVersion: 1, schema: z.object({ amount: z.number() }), description: 'test' },
  { type: 'Noise', schemaVersion: 1, schema: z.object({}), description: 'test: ignored by projections' },
]);
const totals = (name = 'totals', poisonAmount?: number): Projection => ({
  name,
  readModels: [{ name: `${name}_by_stream`, indexes: [{ fields: { count: -1 } }] }],
  eventTypes: ['Counted'],
  async handle(event, tx) {
    if (event.data.amount === poisonAmount) throw new Error(`cannot count ${poisonAmount}`);
    await tx.update<{ count: number; sum: number; last: number }>(`${name}_by_stream`, event.streamId, (doc) => ({
      count: (doc?.count ?? 0) + 1,
      sum: (doc?.sum ?? 0) + event.data.amount,
      last: event.data.amount,
    }));
  },
});

const counted = (amount: number) => ({ eventId: randomUUID(), type: 'Counted', data: { amount }, metadata: { schemaVersion: 1 } });
const noise = () => ({ eventId: randomUUID(), type: 'Noise', data: {}, metadata: { schemaVersion: 1 } });

async function waitUntil(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ProjectionManager on SQLite', () => {
  let events: EventStore;
  let docs: DocumentStore;
  let managers: ProjectionManager[];

  beforeEach(() => {
    events = new SqliteEventStore(':memory:');
    docs = new SqliteDocumentStore(':memory:');
    managers = [];
  });
  afterEach(async () => {
    await Promise.all(managers.map((m) => m.stop()));
    await events.close();
    await docs.close();
  });

  const manage = (...projections: Projection[]) => {
    const manager = new ProjectionManager(projections, events, docs, registry, { maxBatch: 50, rebuildPollMs: 10 });
    managers.push(manager);
    return manager;
  };
  const snapshot = async (collection: string) =>
    (await docs.find(collection, {}, { sort: { _id: 1 } })).map(({ _position: _ignored, ...doc }) => doc);

  it('projects every event once, in order, and waits for a position on request', async () => {
    const manager = manage(totals());
    await manager.start();
    for (let i = 1; i <= 30; i++) await events.append(`s-${i % 3}`, [counted(i), noise()], 'any');
    const head = await events.headPosition();
    await manager.waitFor(head, ['totals_by_stream'], 5_000);
    const docsNow = await snapshot(manager.collectionFor('totals_by_stream'));
    expect(docsNow).toEqual([
      { _id: 's-0', count: 10, sum: 3 + 6 + 9 + 12 + 15 + 18 + 21 + 24 + 27 + 30, last: 30 },
      { _id: 's-1', count: 10, sum: 1 + 4 + 7 + 10 + 13 + 16 + 19 + 22 + 25 + 28, last: 28 },
      { _id: 's-2', count: 10, sum: 2 + 5 + 8 + 11 + 14 + 17 + 20 + 23 + 26 + 29, last: 29 },
    ]);
    // Noise events are not applied but still move the checkpoint, so `after` works for any position.
    expect(manager.list()[0]!.checkpoint).toBe(head.toString());
  });

  it('resumes from its checkpoint after a restart without applying anything twice', async () => {
    const first = manage(totals());
    await first.start();
    for (let i = 0; i < 20; i++) await events.append('s', [counted(1)], 'any');
    await first.waitFor(await events.headPosition(), ['totals_by_stream'], 5_000);
    await first.stop();
    for (let i = 0; i < 5; i++) await events.append('s', [counted(1)], 'any');
    const second = manage(totals());
    await second.start();
    await second.waitFor(await events.headPosition(), ['totals_by_stream'], 5_000);
    expect(await snapshot(second.collectionFor('totals_by_stream'))).toEqual([{ _id: 's', count: 25, sum: 25, last: 1 }]);
  });

  it('ignores events delivered again (checkpoint lost): documents remember their last position', async () => {
    const manager = manage(totals());
    await manager.start();
    for (let i = 1; i <= 10; i++) await events.append(`s-${i % 2}`, [counted(i)], 'any');
    await manager.waitFor(await events.headPosition(), ['totals_by_stream'], 5_000);
    const before = await snapshot(manager.collectionFor('totals_by_stream'));
    await manager.stop();
    await docs.deleteCheckpoint('projection:totals:v1'); // the whole log will be delivered again
    const again = manage(totals());
    await again.start();
    await again.waitFor(await events.headPosition(), ['totals_by_stream'], 5_000);
    expect(await snapshot(again.collectionFor('totals_by_stream'))).toEqual(before);
  });

  it('skips nothing when appends race the catch-up', async () => {
    for (let i = 0; i < 300; i++) await events.append(`s-${i % 7}`, [counted(1)], 'any');
    const manager = manage(totals());
    await manager.start(); // catching up from the start while writers keep appending
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; i < 100; i++) await events.append(`s-${(w + i) % 7}`, [counted(1)], 'any');
      }),
    );
    await manager.waitFor(await events.headPosition(), ['totals_by_stream'], 10_000);
    const all = await snapshot(manager.collectionFor('totals_by_stream'));
    expect(all.reduce((n, d) => n + (d.count as number), 0)).toBe(700);
  });

  it('stops a projection at a poisoned event, says where, and keeps the others running', async () => {
    const manager = manage(totals('healthy'), totals('fragile', 13));
    await manager.start();
    for (const amount of [1, 13, 2]) await events.append('s', [counted(amount)], 'any');
    const poisoned = (await events.readStream('s'))[1]!.position;
    await manager.waitFor(await events.headPosition(), ['healthy_by_stream'], 5_000);
    await waitUntil(() => manager.list().find((s) => s.name === 'fragile')!.state === 'failed', 'fragile to fail');
    const fragile = manager.list().find((s) => s.name === 'fragile')!;
    expect(fragile.failure).toMatchObject({ position: poisoned.toString(), eventType: 'Counted', error: 'cannot count 13' });
    // It applied what came before the poisoned event and nothing after it.
    expect(await snapshot(manager.collectionFor('fragile_by_stream'))).toEqual([{ _id: 's', count: 1, sum: 1, last: 1 }]);
    expect(await snapshot(manager.collectionFor('healthy_by_stream'))).toEqual([{ _id: 's', count: 3, sum: 16, last: 2 }]);
    await expect(manager.waitFor(await events.headPosition(), ['fragile_by_stream'], 1_000)).rejects.toThrow(/failed/);
  });

  it('lets timers and requests run between batches while catching up a long log', async () => {
    await (events as SqliteEventStore).appendMany(
      Array.from({ length: 60 }, (_, i) => ({
        streamId: `long-${i}`,
        events: Array.from({ length: 50 }, () => counted(1)),
        expected: 'no_stream' as const,
      })),
    );
    const head = await events.headPosition();
    const manager = manage(totals());
    await manager.start();
    // A timer due at once must fire long before 3000 events are projected in batches of 50.
    const caughtUpWhenTimerFired = await new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(manager.list()[0]!.checkpoint === head.toString()), 0),
    );
    expect(caughtUpWhenTimerFired).toBe(false);
    await manager.waitFor(head, ['totals_by_stream'], 20_000);
  });

  it('times out a wait for a position the projections do not reach', async () => {
    const manager = manage(totals());
    await manager.start();
    await expect(manager.waitFor(10_000n, ['totals_by_stream'], 50)).rejects.toBeInstanceOf(ProjectionWaitTimeoutError);
  });

  it('rebuilds into the next version while serving, then switches and drops the old version', async () => {
    const manager = manage(totals());
    await manager.start();
    for (let i = 0; i < 200; i++) await events.append(`s-${i % 5}`, [counted(i)], 'any');
    await manager.waitFor(await events.headPosition(), ['totals_by_stream'], 5_000);
    const live = await snapshot(physicalCollection('totals_by_stream', 1));

    await manager.rebuild('totals');
    expect(manager.list().map((s) => [s.version, s.role])).toContainEqual([2, 'rebuilding']);
    // Reads keep coming from v1 until the switch, and live events keep flowing.
    expect(manager.collectionFor('totals_by_stream')).toBe('totals_by_stream_v1');
    for (let i = 0; i < 20; i++) await events.append('s-late', [counted(1)], 'any');
    await waitUntil(() => manager.collectionFor('totals_by_stream') === 'totals_by_stream_v2', 'the switch');
    await manager.waitFor(await events.headPosition(), ['totals_by_stream'], 5_000);

    expect(await snapshot('totals_by_stream_v2')).toEqual([...live, { _id: 's-late', count: 20, sum: 20, last: 1 }]);
    expect(await docs.getServingVersion('totals')).toBe(2);
    await waitUntil(async () => !(await docs.listCollections()).includes('totals_by_stream_v1'), 'v1 to be dropped');
    expect(manager.list()).toHaveLength(1);
  });

  it('pauses and resumes', async () => {
    const manager = manage(totals());
    await manager.start();
    await manager.pause('totals');
    await events.append('s', [counted(5)], 'any');
    await expect(manager.waitFor(await events.headPosition(), ['totals_by_stream'], 100)).rejects.toThrow(/paused/);
    await manager.resume('totals');
    await manager.waitFor(await events.headPosition(), ['totals_by_stream'], 5_000);
    expect(await snapshot(manager.collectionFor('totals_by_stream'))).toEqual([{ _id: 's', count: 1, sum: 5, last: 5 }]);
  });
});
