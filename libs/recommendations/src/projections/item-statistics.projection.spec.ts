import type { ItemEvent, ItemFields } from '@pulse/catalog/domain/item.events';
import type { DomainEvent } from '@pulse/platform/domain/decider';
import type { ShopperEvent } from '@pulse/shoppers/domain/shopper.events';
import { ProjectionHarness, replayScenarios, toProjectedEvents } from '@pulse/testing';
import type { ItemStatisticsDocument } from './item-statistics.document';
import { createItemStatisticsProjection, ITEM_STATISTICS } from './item-statistics.projection';
import type { ItemStatisticsOptions } from './item-statistics.options';
import { popularityAt, trendingAt } from './popularity';
import { ITEM_STATISTICS_SESSIONS, sessionKey } from './session-window';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const minutes = (n: number) => iso(T0 + n * 60_000);

const options: ItemStatisticsOptions = {
  popularityHalfLifeMs: 7 * DAY,
  trendingShortHalfLifeMs: DAY,
  trendingLongHalfLifeMs: 14 * DAY,
  neighbours: 3,
  sessionWindow: 5,
};

// ---- given: events ----------------------------------------------------------------

let clientEventCounter = 0;
const common = (shopperId: string, sessionId: string, occurredAt: string) => ({
  shopperId,
  sessionId,
  clientEventId: `c-${++clientEventCounter}`,
  occurredAt,
});
const viewed = (
  itemId: string,
  occurredAt: string,
  session = 's1',
  shopper = 'u1',
): ShopperEvent => ({
  type: 'ShopperViewedItem',
  data: { ...common(shopper, session, occurredAt), itemId },
});
const added = (itemId: string, occurredAt: string): ShopperEvent => ({
  type: 'ShopperAddedItemToCart',
  data: { ...common('u1', 's1', occurredAt), itemId, quantity: 1 },
});
const purchased = (
  itemId: string,
  occurredAt: string,
  session = 's1',
  quantity = 1,
): ShopperEvent => ({
  type: 'ShopperPurchasedItem',
  data: { ...common('u1', session, occurredAt), itemId, quantity, unitPrice: 10 },
});
const item = (itemId: string, overrides: Partial<ItemFields> = {}): ItemFields => ({
  itemId,
  title: `Item ${itemId}`,
  description: '',
  categoryPath: ['Shoes', 'Running'],
  brand: 'Acme',
  price: 80,
  currency: 'EUR',
  stock: 5,
  attributes: {},
  ...overrides,
});
const listed = (fields: ItemFields, at = iso(T0 - DAY)): ItemEvent => ({
  type: 'ItemListed',
  data: { ...fields, at },
});

async function statsAfter(
  events: DomainEvent[],
  overrides: Partial<ItemStatisticsOptions> = {},
): Promise<Record<string, ItemStatisticsDocument>> {
  const harness = new ProjectionHarness(
    createItemStatisticsProjection({ ...options, ...overrides }),
  );
  await harness.apply(toProjectedEvents(events));
  return harness.documents<ItemStatisticsDocument>(ITEM_STATISTICS);
}

const neighbourIds = (
  doc: ItemStatisticsDocument | undefined,
  field: 'alsoViewed' | 'alsoBought',
) => (doc?.[field] ?? []).map((n) => n.itemId).sort();

describe('item statistics projection', () => {
  describe('popularity', () => {
    it('given views, a cart add and a purchase, then counts, decayed scores and smoothed rates follow', async () => {
      const stats = await statsAfter([
        viewed('a', minutes(0)),
        viewed('a', minutes(0), 's2'),
        viewed('a', minutes(0), 's3'),
        added('a', minutes(0)),
        purchased('a', minutes(0), 's1', 2),
      ]);
      const doc = stats['a']!;
      expect(doc).toMatchObject({ views: 3, carts: 1, purchases: 1, purchasedUnits: 2 });
      expect(doc.decayed.view).toEqual({ value: 3, at: T0 });
      expect(doc.decayed.add_to_cart).toEqual({ value: 1, at: T0 });
      expect(doc.decayed.purchase).toEqual({ value: 1, at: T0 });
      // weights: view 1, add_to_cart 3, purchase 5
      expect(doc.popularityScore).toEqual({ value: 11, at: T0 });
      expect(doc.popularity).toBe(11);
      // (1 + 20·0.05) / (3 + 20) and (1 + 20·0.01) / (3 + 20)
      expect(doc.viewToCartRate).toBeCloseTo(2 / 23, 12);
      expect(doc.viewToPurchaseRate).toBeCloseTo(1.2 / 23, 12);
      expect(doc.firstInteractionAt).toBe(minutes(0));
      expect(doc.lastInteractionAt).toBe(minutes(0));
    });

    it('given the same burst now and a month ago, then the recent one is trending and more popular now', async () => {
      const monthAgo = T0 - 30 * DAY;
      const stats = await statsAfter([
        ...Array.from({ length: 10 }, (_, i) => viewed('old', iso(monthAgo + i * 60_000), `o${i}`)),
        ...Array.from({ length: 10 }, (_, i) => viewed('new', iso(T0 + i * 60_000), `n${i}`)),
        viewed('steady', iso(T0 - 40 * DAY), 'x'),
      ]);
      const now = T0 + HOUR;
      expect(stats['new']!.views).toBe(stats['old']!.views);
      expect(trendingAt(stats['new']!, now)).toBeGreaterThan(1);
      expect(trendingAt(stats['old']!, now)).toBeLessThan(1);
      expect(popularityAt(stats['new']!, now)).toBeGreaterThan(popularityAt(stats['old']!, now));
      // An index can order by popularityRank without knowing now.
      expect(stats['new']!.popularityRank).toBeGreaterThan(stats['old']!.popularityRank);
    });

    it('ranks a steadily viewed item near 1 on trending', async () => {
      // one view every 6 hours for 60 days
      const events = Array.from({ length: 240 }, (_, i) =>
        viewed('steady', iso(T0 + i * 6 * HOUR), `s${i}`),
      );
      const doc = (await statsAfter(events))['steady']!;
      expect(trendingAt(doc, T0 + 240 * 6 * HOUR)).toBeCloseTo(1, 1);
    });
  });

  describe('also viewed', () => {
    it('given three items viewed in one session, then each lists the other two with the same score', async () => {
      const stats = await statsAfter([
        viewed('a', minutes(1)),
        viewed('b', minutes(2)),
        viewed('c', minutes(3)),
      ]);
      expect(neighbourIds(stats['a'], 'alsoViewed')).toEqual(['b', 'c']);
      expect(neighbourIds(stats['b'], 'alsoViewed')).toEqual(['a', 'c']);
      expect(neighbourIds(stats['c'], 'alsoViewed')).toEqual(['a', 'b']);
      const score = (from: string, to: string) =>
        stats[from]!.alsoViewed.find((n) => n.itemId === to)!.score;
      expect(score('a', 'b')).toEqual(score('b', 'a'));
      expect(score('c', 'a')).toEqual(score('a', 'c'));
    });

    it('counts a pair once per session, and again in another session', async () => {
      const stats = await statsAfter([
        viewed('a', minutes(1)),
        viewed('b', minutes(2)),
        viewed('a', minutes(3)),
        viewed('b', minutes(4)),
        viewed('a', minutes(5), 's2'),
        viewed('b', minutes(5), 's2'),
      ]);
      for (const [from, to] of [
        ['a', 'b'],
        ['b', 'a'],
      ]) {
        const [neighbour, ...others] = stats[from]!.alsoViewed;
        expect(others).toEqual([]);
        expect(neighbour!.itemId).toBe(to);
        // 1 at minute 2, decayed by 3 minutes (half-life 7 days), plus 1 at minute 5
        expect(neighbour!.score.value).toBeCloseTo(2, 3);
        expect(neighbour!.score.at).toBe(T0 + 5 * 60_000);
      }
    });

    it('does not pair items of different shoppers that happen to share a session id', async () => {
      const stats = await statsAfter([
        viewed('a', minutes(1), 's', 'u1'),
        viewed('b', minutes(2), 's', 'u2'),
      ]);
      expect(stats['a']!.alsoViewed).toEqual([]);
      expect(stats['b']!.alsoViewed).toEqual([]);
    });

    it('keeps every neighbour list at most k long, strongest first, pairing within the session window', async () => {
      const sessions = [
        ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
        ['a', 'x'],
        ['x', 'a'],
        ['a', 'x'],
      ];
      const stats = await statsAfter(
        sessions.flatMap((ids, s) => ids.map((id, i) => viewed(id, minutes(s * 10 + i), `s${s}`))),
      );
      for (const doc of Object.values(stats)) expect(doc.alsoViewed.length).toBeLessThanOrEqual(3);
      // a full list still lets a recurring newcomer in and build up to the top
      expect(stats['a']!.alsoViewed[0]!.itemId).toBe('x');
      expect(stats['a']!.alsoViewed[0]!.score.value).toBeCloseTo(3, 2);
      const strengths = stats['a']!.alsoViewed.map((n) => n.score.value);
      expect([...strengths].sort((p, q) => q - p)).toEqual(strengths);
      // window 5: by the time g was viewed, a had left the session window
      // (g met b..f at once: equal scores, so the first three by item id are kept)
      expect(neighbourIds(stats['g'], 'alsoViewed')).toEqual(['b', 'c', 'd']);
    });

    it('keeps the session window bounded and keyed by shopper and session', async () => {
      const harness = new ProjectionHarness(createItemStatisticsProjection(options));
      await harness.apply(
        toProjectedEvents(
          ['a', 'b', 'c', 'd', 'e', 'f', 'b'].map((id, i) => viewed(id, minutes(i))),
        ),
      );
      const session = harness.document<{ viewed: { itemId: string }[] }>(
        ITEM_STATISTICS_SESSIONS,
        sessionKey('u1', 's1'),
      )!;
      expect(session.viewed.map((e) => e.itemId)).toEqual(['c', 'd', 'e', 'f', 'b']);
    });
  });

  describe('also bought', () => {
    it('given two purchases in a session, then each lists the other, and views stay out of it', async () => {
      const stats = await statsAfter([
        viewed('v', minutes(0)),
        purchased('x', minutes(1)),
        purchased('y', minutes(2)),
      ]);
      expect(neighbourIds(stats['x'], 'alsoBought')).toEqual(['y']);
      expect(neighbourIds(stats['y'], 'alsoBought')).toEqual(['x']);
      expect(stats['v']!.alsoBought).toEqual([]);
      expect(stats['x']!.alsoViewed).toEqual([]);
    });
  });

  describe('item facts', () => {
    it('copies category, brand, price and stock from item events, and follows changes and delisting', async () => {
      const stats = await statsAfter([
        listed(item('a')),
        viewed('a', minutes(1)),
        {
          type: 'ItemPriceChanged',
          data: {
            itemId: 'a',
            price: 60,
            previousPrice: 80,
            currency: 'EUR',
            previousCurrency: 'EUR',
            at: minutes(2),
          },
        },
        {
          type: 'ItemStockChanged',
          data: { itemId: 'a', stock: 0, previousStock: 5, at: minutes(3) },
        },
        { type: 'ItemDelisted', data: { itemId: 'a', at: minutes(4) } },
      ]);
      expect(stats['a']).toMatchObject({
        status: 'delisted',
        inStock: false,
        categoryPath: ['Shoes', 'Running'],
        categoryKeys: ['Shoes', 'Shoes>Running'],
        brand: 'Acme',
        price: 60,
        currency: 'EUR',
        views: 1,
      });
    });

    it('gives an item viewed before its listing status unknown, then the listing fills the facts', async () => {
      const before = await statsAfter([viewed('late', minutes(1))]);
      expect(before['late']).toMatchObject({
        status: 'unknown',
        categoryKeys: [],
        price: null,
        views: 1,
      });
      const after = await statsAfter([
        viewed('late', minutes(1)),
        listed(item('late'), minutes(2)),
      ]);
      expect(after['late']).toMatchObject({ status: 'active', inStock: true, views: 1 });
    });
  });

  describe('replays', () => {
    const history: DomainEvent[] = [
      listed(item('a')),
      listed(item('b', { categoryPath: ['Bags'] })),
      viewed('a', minutes(1)),
      viewed('b', minutes(2)),
      viewed('c', minutes(3)),
      added('b', minutes(4)),
      purchased('a', minutes(5)),
      purchased('b', minutes(6)),
      viewed('a', minutes(7), 's2'),
      viewed('d', minutes(1), 's2'), // late: happened before the previous event
      viewed('c', minutes(8), 's2'),
      {
        type: 'ItemStockChanged',
        data: { itemId: 'a', stock: 0, previousStock: 5, at: minutes(9) },
      },
      { type: 'ItemDelisted', data: { itemId: 'b', at: minutes(10) } },
    ];

    it('gives the same documents when every event, or the whole log, is delivered twice', async () => {
      const runs = await replayScenarios(
        () => createItemStatisticsProjection(options),
        toProjectedEvents(history),
      );
      expect(runs.eachTwice).toEqual(runs.once);
      expect(runs.sequenceTwice).toEqual(runs.once);
    });

    it('writes JSON documents that come out identical on every run', async () => {
      const runs = await replayScenarios(
        () => createItemStatisticsProjection(options),
        toProjectedEvents(history),
      );
      expect(JSON.parse(JSON.stringify(runs.once))).toEqual(runs.once);
      expect(JSON.stringify(runs.secondRun)).toBe(JSON.stringify(runs.once));
      expect(Object.keys(runs.once[ITEM_STATISTICS]!)).toEqual(['a', 'b', 'c', 'd']);
    });
  });

  describe('options', () => {
    it('refuses bad options at creation, naming them', () => {
      expect(() => createItemStatisticsProjection({ ...options, neighbours: 0 })).toThrow(
        /neighbours/,
      );
      expect(() =>
        createItemStatisticsProjection({ ...options, trendingLongHalfLifeMs: HOUR }),
      ).toThrow(/trendingLongHalfLifeMs/);
      expect(() => createItemStatisticsProjection({ ...options, sessionWindow: 1 })).toThrow(
        /sessionWindow/,
      );
    });

    it('declares indexes on category keys, brand, popularity and trending', () => {
      const [statistics] = createItemStatisticsProjection(options).readModels;
      const indexed = statistics!.indexes!.flatMap((index) => Object.keys(index.fields));
      expect(indexed).toEqual(
        expect.arrayContaining([
          'categoryKeys',
          'brand',
          'popularity',
          'popularityRank',
          'trending',
        ]),
      );
    });
  });
});
