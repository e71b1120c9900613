import type { DomainEvent } from '@pulse/platform/domain/decider';
import type { Projection } from '@pulse/platform/projections/projection';
import {
  projectedEvent,
  ProjectionHarness,
  replayScenarios,
  runProjection,
  toProjectedEvents,
} from './projection-harness';

type Counted = DomainEvent<'Counted', { itemId: string; by: number; at: string }>;
const counted = (itemId: string, by = 1): Counted => ({
  type: 'Counted',
  data: { itemId, by, at: '2025-03-01T10:00:00.000Z' },
});

/** Counts per item; `by: 0` deletes the document. */
const counter: Projection = {
  name: 'counter',
  readModels: [{ name: 'counts' }],
  eventTypes: ['Counted'],
  async handle(event, tx) {
    const { itemId, by } = event.data as Counted['data'];
    await tx.update<{ total: number }>('counts', itemId, (doc) =>
      by === 0 ? null : { total: (doc?.total ?? 0) + by },
    );
  },
};

describe('ProjectionHarness', () => {
  it('applies each event once per document, skipping positions it has seen', async () => {
    const events = toProjectedEvents([counted('a'), counted('a', 2), counted('b')]);
    const runs = await replayScenarios(() => counter, events);
    expect(runs.once).toEqual({ counts: { a: { total: 3 }, b: { total: 1 } } });
    expect(runs.eachTwice).toEqual(runs.once);
    expect(runs.sequenceTwice).toEqual(runs.once);
  });

  it('keeps a tombstone so an older event cannot bring a deleted document back', async () => {
    const harness = new ProjectionHarness(counter);
    const [first, deleted] = toProjectedEvents([counted('a'), counted('a', 0)]);
    await harness.apply([first!, deleted!, first!]);
    expect(harness.documents('counts')).toEqual({});
    expect(harness.positionOf('counts', 'a')).toBe(2n);
  });

  it('hands only the projection event types to it', async () => {
    const other = projectedEvent({ type: 'Other', data: { itemId: 'a' } }, { position: 1n });
    expect(await runProjection(counter, [other])).toEqual({ counts: {} });
  });

  it('gives reducers frozen documents, so mutating one fails', async () => {
    const mutating: Projection = {
      ...counter,
      async handle(_event, tx) {
        await tx.update<{ total: number }>('counts', 'a', (doc) => {
          if (doc) doc.total++;
          return doc ?? { total: 1 };
        });
      },
    };
    await expect(
      runProjection(mutating, toProjectedEvents([counted('a'), counted('a')])),
    ).rejects.toThrow(TypeError);
  });

  it('refuses a second update of one document for one event (the runner would drop it)', async () => {
    const twice: Projection = {
      ...counter,
      async handle(_event, tx) {
        await tx.update('counts', 'a', () => ({ total: 1 }));
        await tx.update('counts', 'a', () => ({ total: 2 }));
      },
    };
    await expect(runProjection(twice, toProjectedEvents([counted('a')]))).rejects.toThrow(/twice/);
  });

  it('refuses documents the document store would refuse', async () => {
    const bad = (doc: Record<string, unknown>): Projection => ({
      ...counter,
      async handle(_event, tx) {
        await tx.update('counts', 'a', () => doc);
      },
    });
    const events = toProjectedEvents([counted('a')]);
    await expect(runProjection(bad({ at: new Date() }), events)).rejects.toThrow(/JSON/);
    await expect(runProjection(bad({ n: 1n }), events)).rejects.toThrow(/bigint/);
    await expect(runProjection(bad({ map: { 'a.b': 1 } }), events)).rejects.toThrow(/key/);
  });

  it('refuses a read model the projection does not declare', async () => {
    const undeclared: Projection = {
      ...counter,
      async handle(_event, tx) {
        await tx.get('elsewhere', 'a');
      },
    };
    await expect(runProjection(undeclared, toProjectedEvents([counted('a')]))).rejects.toThrow(
      /does not declare/,
    );
  });
});

describe('toProjectedEvents', () => {
  it('numbers positions in order and revisions per stream, taking the stream from the payload', () => {
    const events = toProjectedEvents([
      {
        type: 'ShopperViewedItem',
        data: { shopperId: 'u-1', itemId: 'x', occurredAt: '2025-03-01T10:00:00Z' },
      },
      counted('x'),
      {
        type: 'ShopperViewedItem',
        data: { shopperId: 'u-1', itemId: 'y', occurredAt: '2025-03-01T10:01:00Z' },
      },
    ]);
    expect(events.map((e) => [e.streamId, e.revision, e.position])).toEqual([
      ['shopper-u-1', 0n, 1n],
      ['item-x', 0n, 2n],
      ['shopper-u-1', 1n, 3n],
    ]);
    expect(events[0]!.recordedAt.toISOString()).toBe('2025-03-01T10:00:00.000Z');
    expect(events[0]!.metadata.occurredAt).toBe('2025-03-01T10:00:00.000Z');
  });
});
