import { deterministicUuid, PULSE_UUID_NAMESPACE } from '@pulse/platform/ids/deterministic-uuid';
import { SeededRandom } from './random';
import { shopperEventId, StoredEventFactory, storedShopEvents } from './stored-event.factory';
import { SyntheticShop } from './synthetic-shop';
import type { WireInteraction, WireItem } from './wire';

const item: WireItem = {
  id: 'sku-1',
  title: 'Norvik Trail Running Shoe',
  description: '',
  categoryPath: ['Shoes', 'Running', 'Trail running shoes'],
  brand: 'Norvik',
  price: 89.99,
  currency: 'EUR',
  stock: 3,
  attributes: { colour: 'red' },
};
const view = (eventId: string, itemId = 'sku-1'): WireInteraction => ({
  eventId,
  type: 'view',
  shopperId: 'customer-000001',
  sessionId: 'customer-000001-s1',
  occurredAt: '2026-01-05T10:00:00+01:00',
  itemId,
});
const RECEIVED = '2026-01-05T09:00:01.000Z';

describe('StoredEventFactory', () => {
  it('stores an interaction as the shopper actor does: derived id, normalised time, request metadata', () => {
    const factory = new StoredEventFactory(new SeededRandom(1));
    factory.listings([item], '2026-01-01T00:00:00.000Z');
    const [a, b] = factory.interactions(
      [view('0b7c2c8e-6f0a-4a4a-9a55-1d2f3e4a5b6c'), view('1b7c2c8e-6f0a-4a4a-9a55-1d2f3e4a5b6c')],
      RECEIVED,
    );
    expect(a!.streamId).toBe('shopper-customer-000001');
    expect(a!.event).toEqual({
      eventId: deterministicUuid(
        PULSE_UUID_NAMESPACE,
        'customer-000001/0b7c2c8e-6f0a-4a4a-9a55-1d2f3e4a5b6c',
      ),
      type: 'ShopperViewedItem',
      data: {
        shopperId: 'customer-000001',
        sessionId: 'customer-000001-s1',
        clientEventId: '0b7c2c8e-6f0a-4a4a-9a55-1d2f3e4a5b6c',
        occurredAt: '2026-01-05T09:00:00.000Z',
        itemId: 'sku-1',
      },
      metadata: {
        correlationId: expect.any(String),
        causationId: expect.any(String),
        clientEventId: '0b7c2c8e-6f0a-4a4a-9a55-1d2f3e4a5b6c',
        occurredAt: '2026-01-05T09:00:00.000Z',
        receivedAt: RECEIVED,
        schemaVersion: 1,
      },
    });
    expect(a!.event.eventId).toBe(
      shopperEventId('customer-000001', '0b7c2c8e-6f0a-4a4a-9a55-1d2f3e4a5b6c'),
    );
    // One request, one context.
    expect(b!.event.metadata.correlationId).toBe(a!.event.metadata.correlationId);
  });

  it('decides catalog changes against the item as it is: listing, no-op PUT, stock change', () => {
    const factory = new StoredEventFactory(new SeededRandom(1));
    const [listed] = factory.listings([item], RECEIVED);
    expect(listed).toMatchObject({
      streamId: 'item-sku-1',
      event: { type: 'ItemListed', data: { itemId: 'sku-1', at: RECEIVED } },
    });
    expect(factory.catalogChange({ type: 'put', item }, RECEIVED)).toEqual([]);
    const [stock] = factory.catalogChange({ type: 'stock', itemId: 'sku-1', stock: 0 }, RECEIVED);
    expect(stock!.event).toMatchObject({
      type: 'ItemStockChanged',
      data: { stock: 0, previousStock: 3 },
    });
    expect(stock!.event.metadata).not.toHaveProperty('clientEventId');
  });

  it('refuses what Pulse would reject: events naming items never listed', () => {
    const factory = new StoredEventFactory(new SeededRandom(1));
    expect(() =>
      factory.interactions([view('0b7c2c8e-6f0a-4a4a-9a55-1d2f3e4a5b6c', 'sku-404')], RECEIVED),
    ).toThrow("Unknown item: 'sku-404'");
  });

  it('turns a whole shop into requests: the catalog first, then batched interactions and catalog changes', () => {
    const shop = new SyntheticShop({ seed: 4, items: 300, newItemsPerDay: 2000 });
    const requests = [
      ...storedShopEvents(shop, { events: 1000, requestBatch: 50, itemBatch: 100 }),
    ];
    expect(requests.slice(0, 3).map((r) => [r.kind, r.count])).toEqual([
      ['items', 100],
      ['items', 100],
      ['items', 100],
    ]);
    const interactions = requests.filter((r) => r.kind === 'interactions');
    expect(interactions.reduce((n, r) => n + r.count, 0)).toBe(1000);
    expect(interactions.every((r) => r.count <= 50 && r.events.length === r.count)).toBe(true);
    expect(requests.some((r) => r.kind === 'catalog')).toBe(true);
    const ids = requests.flatMap((r) => r.events.map((e) => e.event.eventId));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
