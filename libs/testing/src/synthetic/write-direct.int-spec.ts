import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FactoryProvider } from '@nestjs/common';
import {
  itemActorsProvider,
  type ItemActors,
} from '@pulse/catalog/application/item-actors.provider';
import type { PulseConfig } from '@pulse/platform/config/pulse-config';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import { SqliteEventStore } from '@pulse/platform/event-store/sqlite-event-store.adapter';
import type { RecordInteraction } from '@pulse/shoppers/domain/shopper.decider';
import {
  shopperActorsProvider,
  type ShopperActors,
} from '@pulse/shoppers/application/shopper-actors.provider';
import { SeededRandom } from './shop/random';
import { StoredEventFactory } from './shop/stored-event.factory';
import { SyntheticShop } from './shop/synthetic-shop';
import type { WireInteraction } from './shop/wire';
import { writeDirect } from './write-direct';

const options = { seed: 9, items: 400, shoppers: 300 } as const;

describe('writeDirect', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-direct-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the catalog and the traffic into <dir>/events.db, stream by stream', async () => {
    const summary = await writeDirect(dir, new SyntheticShop(options), {
      events: 2000,
      chunk: 500,
    });
    expect(summary).toMatchObject({ items: 400, interactions: 2000, shopperEvents: 2000 });
    expect(summary.itemEvents).toBe(400 + summary.catalogChanges);
    expect(summary.totalEvents).toBe(summary.itemEvents + 2000);

    const store = new SqliteEventStore(join(dir, 'events.db'));
    try {
      expect(await store.headPosition()).toBe(BigInt(summary.totalEvents));
      expect(summary.head).toBe(BigInt(summary.totalEvents));
      const itemEvents = await store.readAll({ filter: { streamPrefixes: ['item-'] } });
      expect(itemEvents).toHaveLength(summary.itemEvents);
      expect(itemEvents.slice(0, 400).every((e) => e.type === 'ItemListed')).toBe(true);

      // A shopper's stream holds exactly what the same seed generates for them, in order, revisions 0..n-1.
      const wire = [...new SyntheticShop(options).events(2000)].flatMap((h) =>
        h.kind === 'interaction' ? [h.event] : [],
      );
      const busiest = mostFrequent(wire.map((e) => e.shopperId));
      const stream = await store.readStream(`shopper-${busiest}`);
      expect(stream.map((e) => e.revision)).toEqual(stream.map((_, i) => BigInt(i)));
      expect(stream.map((e) => e.metadata.clientEventId)).toEqual(
        wire.filter((e) => e.shopperId === busiest).map((e) => e.eventId),
      );
      expect(stream.length).toBeGreaterThan(5);
    } finally {
      await store.close();
    }
  });

  it('refuses to write into a log that already has events', async () => {
    await writeDirect(dir, new SyntheticShop(options), { events: 10 });
    await expect(writeDirect(dir, new SyntheticShop(options), { events: 10 })).rejects.toThrow(
      'already holds events',
    );
  });
});

describe('StoredEventFactory against the service’s own actors', () => {
  const config = { PULSE_ACTOR_CACHE_SIZE: 100, PULSE_ACTOR_IDLE_MS: 60_000 } as PulseConfig;
  let store: SqliteEventStore;

  beforeEach(() => {
    store = new SqliteEventStore(':memory:');
  });
  afterEach(() => store.close());

  it('stores exactly what the item and shopper actors store for the same requests', async () => {
    const shop = new SyntheticShop({ seed: 2, items: 50 });
    const factory = new StoredEventFactory(new SeededRandom(1));
    const items = (itemActorsProvider as FactoryProvider).useFactory(
      store,
      new EventRegistry(),
      config,
    ) as ItemActors;
    const shoppers = (shopperActorsProvider as FactoryProvider).useFactory(
      store,
      new EventRegistry(),
      config,
    ) as ShopperActors;
    const receivedAt = new Date(shop.startAt).toISOString();

    const wireItem = shop.initialItems[0]!;
    const [expectedItem] = factory.listings([wireItem], receivedAt);
    const { id, ...fields } = wireItem;
    await items.execute(id, {
      command: { type: 'ListOrUpdateItem', data: { ...fields, itemId: id, at: receivedAt } },
      context: contextOf(expectedItem!.event.metadata),
    });
    const [storedItem] = await store.readStream(`item-${id}`);
    // Item event ids are random in the service and seeded here; everything else is identical.
    const { type, data, metadata } = expectedItem!.event;
    expect({
      type: storedItem!.type,
      data: storedItem!.data,
      metadata: storedItem!.metadata,
    }).toEqual({ type, data, metadata });

    // One event of each kind, each as its own request.
    factory.listings(shop.initialItems.slice(1), receivedAt);
    const interactions = shop
      .take(2000)
      .flatMap((h) => (h.kind === 'interaction' ? [h.event] : []));
    const kinds = ['search', 'view', 'add_to_cart', 'remove_from_cart', 'purchase'] as const;
    for (const kind of kinds) {
      const event = interactions.find((e) => e.type === kind)!;
      const [expected] = factory.interactions(
        [event],
        new Date(Date.parse(event.occurredAt) + 100).toISOString(),
      );
      const { metadata } = expected!.event;
      await shoppers.execute(event.shopperId, {
        command: commandOf(event, metadata.receivedAt as string),
        context: contextOf(metadata),
      });
      const stored = (await store.readStream(`shopper-${event.shopperId}`)).find(
        (e) => e.eventId === expected!.event.eventId,
      );
      expect({
        eventId: stored?.eventId,
        type: stored?.type,
        data: stored?.data,
        metadata: stored?.metadata,
      }).toEqual(expected!.event);
    }
  });
});

function contextOf(metadata: Record<string, unknown>) {
  return {
    correlationId: metadata.correlationId as string,
    causationId: metadata.causationId as string,
    receivedAt: metadata.receivedAt as string,
  };
}

/** As RecordInteractionsHandler builds it from a wire event. */
function commandOf(event: WireInteraction, receivedAt: string): RecordInteraction {
  const { eventId, type, ...fields } = event;
  return {
    type: 'RecordInteraction',
    data: {
      ...fields,
      kind: type,
      clientEventId: eventId,
      receivedAt,
      maxClockSkewMs: 300_000,
      unknownItemIds: [],
      rejectUnknownItems: true,
    },
  };
}

function mostFrequent(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}
