import type { AddressInfo } from 'node:net';
import { driveOverHttp } from '@pulse/testing/synthetic/drive-over-http';
import {
  SyntheticShop,
  type SyntheticShopOptions,
} from '@pulse/testing/synthetic/shop/synthetic-shop';
import type { WireInteraction } from '@pulse/testing/synthetic/shop/wire';
import { type InProcessPulse, startInProcessPulse, TEST_KEYS } from './support/in-process-app';

// The synthetic shop driven over real HTTP (keep-alive fetch against a
// listening in-process Pulse), as `npx pulse simulate` does it.

describe('synthetic shop over HTTP', () => {
  let pulse: InProcessPulse;
  let url: string;
  // Simulated time an hour ago: the whole run lies in the past, where Pulse takes it.
  const shopOptions: SyntheticShopOptions = {
    seed: 3,
    items: 200,
    shoppers: 60,
    startAt: Date.now() - 3_600_000,
    newItemsPerDay: 2000,
  };

  beforeAll(async () => {
    pulse = await startInProcessPulse();
    await pulse.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(pulse.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => pulse.close());

  const read = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`, {
      headers: { authorization: `Bearer ${TEST_KEYS.read}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };

  it('lists the catalog, has every event accepted, and the profiles show them', async () => {
    const shop = new SyntheticShop(shopOptions);
    // 200 items, and the few that appeared while the shop warmed up.
    const catalogSize = shop.initialItems.length;
    expect(catalogSize).toBeGreaterThanOrEqual(200);
    const sent: WireInteraction[] = [];
    const summary = await driveOverHttp({
      url,
      key: TEST_KEYS.ingest,
      shop,
      events: 600,
      rate: Infinity,
      batch: 50,
      concurrency: 3,
      itemBatch: 100,
      onEvents: (events, results) => {
        expect(results.map((r) => r.eventId)).toEqual(events.map((e) => e.eventId));
        sent.push(...events);
      },
    });
    expect(summary.items).toEqual({
      sent: catalogSize,
      listed: catalogSize,
      updated: 0,
      unchanged: 0,
      rejected: 0,
    });
    expect(summary.events).toMatchObject({ sent: 600, accepted: 600, duplicate: 0, rejected: 0 });
    expect(summary.catalogChanges).toBeGreaterThan(0);
    expect(sent).toHaveLength(600);

    // The busiest shoppers' profiles, read after the last write, count exactly what was sent for them.
    const byShopper = new Map<string, WireInteraction[]>();
    for (const e of sent) byShopper.set(e.shopperId, [...(byShopper.get(e.shopperId) ?? []), e]);
    const busiest = [...byShopper.entries()].sort((a, b) => b[1].length - a[1].length).slice(0, 3);
    for (const [shopperId, events] of busiest) {
      const profile = await read<{ counts: Record<string, number>; lastSeenAt: string }>(
        `/v1/shoppers/${shopperId}/profile?after=${summary.lastPosition}`,
      );
      const expected = { search: 0, view: 0, add_to_cart: 0, remove_from_cart: 0, purchase: 0 };
      for (const e of events) expected[e.type]++;
      expect(profile.counts).toEqual(expected);
      expect(profile.lastSeenAt).toBe(
        new Date(Math.max(...events.map((e) => Date.parse(e.occurredAt)))).toISOString(),
      );
    }
  }, 30_000);

  it('sends the same shop again as duplicates: same seed, same ids, nothing stored twice', async () => {
    const summary = await driveOverHttp({
      url,
      key: TEST_KEYS.ingest,
      shop: new SyntheticShop(shopOptions),
      events: 200,
      rate: Infinity,
      itemBatch: 100,
    });
    // Items that sold out during the first run are put back with their first stock: updated, not new.
    const catalogSize = new SyntheticShop(shopOptions).initialItems.length;
    expect(summary.items).toMatchObject({ sent: catalogSize, listed: 0, rejected: 0 });
    expect(summary.items.updated + summary.items.unchanged).toBe(catalogSize);
    expect(summary.events).toMatchObject({ sent: 200, accepted: 0, duplicate: 200, rejected: 0 });
  }, 30_000);

  it('stamps events with the wall clock in real-time mode, paced at the rate', async () => {
    const startedAt = Date.now();
    const stamps: number[] = [];
    const summary = await driveOverHttp({
      url,
      key: TEST_KEYS.ingest,
      shop: new SyntheticShop({ ...shopOptions, seed: 4, startAt: startedAt }),
      events: 100,
      rate: 400,
      batch: 10,
      timestamps: 'realtime',
      onEvents: (events) => stamps.push(...events.map((e) => Date.parse(e.occurredAt))),
    });
    expect(summary.events).toMatchObject({ sent: 100, accepted: 100 });
    expect(Math.min(...stamps)).toBeGreaterThanOrEqual(startedAt);
    expect(Math.max(...stamps)).toBeLessThanOrEqual(Date.now());
    // 100 events at 400/s take at least a quarter of a second to produce.
    expect(summary.eventsMs).toBeGreaterThanOrEqual(240);
  }, 30_000);
});
