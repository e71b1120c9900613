import { itemWithId } from '@pulse/catalog/http/item.wire-schema';
import { interactionWireEvent } from '@pulse/shoppers/http/interaction.wire-schema';
import {
  catalogChangeRequest,
  EventStreamGenerator,
  SeededRandom,
  shopperEventId,
  StoredEventFactory,
  type WireEvent,
} from './event-stream.generator';

const draw = (seed: number, n: number) => {
  const generator = new EventStreamGenerator({ seed, items: 50, shoppers: 40 });
  return { items: generator.items, events: generator.nextBatch(n) };
};

describe('EventStreamGenerator', () => {
  it('gives the same shop for the same seed, and another for another seed', () => {
    expect(draw(7, 300)).toEqual(draw(7, 300));
    expect(draw(8, 300).events).not.toEqual(draw(7, 300).events);
  });

  it('writes items and events the HTTP API accepts', () => {
    const { items, events } = draw(1, 2000);
    for (const item of items) expect(itemWithId.safeParse(item).error).toBeUndefined();
    for (const event of events) expect(interactionWireEvent.safeParse(event).error).toBeUndefined();
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(['search', 'view', 'add_to_cart', 'remove_from_cart', 'purchase']),
    );
  });

  it('behaves like shoppers: carts hold what was viewed, purchases what was in the cart', () => {
    const { events } = draw(3, 5000);
    const viewed = new Set<string>();
    const carts = new Map<string, number>();
    const key = (e: { shopperId: string; itemId: string }) => `${e.shopperId}/${e.itemId}`;
    let times = 0;
    for (const event of events) {
      expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(times);
      times = Date.parse(event.occurredAt);
      if (event.type === 'view') viewed.add(key(event));
      if (event.type === 'add_to_cart') {
        expect(viewed.has(key(event))).toBe(true);
        carts.set(key(event), (carts.get(key(event)) ?? 0) + event.quantity);
      }
      if (event.type === 'remove_from_cart' || event.type === 'purchase') {
        expect(carts.get(key(event)) ?? 0).toBeGreaterThanOrEqual(event.quantity);
        carts.set(key(event), carts.get(key(event))! - event.quantity);
      }
    }
  });

  it('draws catalog changes the service accepts, as HTTP requests', () => {
    const generator = new EventStreamGenerator({ seed: 5, items: 20 });
    const requests = Array.from({ length: 200 }, () =>
      catalogChangeRequest(generator.nextCatalogChange()),
    );
    expect(new Set(requests.map((r) => r.method))).toEqual(new Set(['PATCH', 'PUT', 'DELETE']));
  });
});

describe('StoredEventFactory', () => {
  it('builds the events the service stores, which the registry decodes', () => {
    const generator = new EventStreamGenerator({ seed: 11, items: 30, shoppers: 20 });
    const factory = new StoredEventFactory(new SeededRandom(1));
    const receivedAt = '2026-01-01T00:00:00.000Z';
    const stored = [
      ...generator.items.flatMap((item) => factory.listing(item, receivedAt)),
      ...Array.from({ length: 100 }, () =>
        factory.catalogChange(generator.nextCatalogChange(), receivedAt),
      ).flat(),
    ];
    const events: WireEvent[] = generator.nextBatch(500);
    stored.push(...events.map((event) => factory.interaction(event, receivedAt)));

    expect(stored.filter((s) => s.event.type === 'ItemListed').length).toBeGreaterThanOrEqual(30);
    for (const { event } of stored) {
      expect(() =>
        factory.registry.decode(event.type, event.data, Number(event.metadata.schemaVersion)),
      ).not.toThrow();
      expect(event.metadata).toMatchObject({ receivedAt, schemaVersion: 1 });
    }
    const first = stored[stored.length - events.length]!;
    expect(first.streamId).toBe(`shopper-${events[0]!.shopperId}`);
    // The id the service derives, so a replayed client retry would be recognised as a duplicate.
    expect(first.event.eventId).toBe(shopperEventId(events[0]!.shopperId, events[0]!.eventId));
    expect(first.event.metadata).toMatchObject({
      clientEventId: events[0]!.eventId,
      occurredAt: events[0]!.occurredAt,
    });
  });
});
