import type { ItemEvent, ItemFields } from '@pulse/catalog/domain/item.events';
import type { DomainEvent } from '@pulse/platform/domain/decider';
import { valueAt } from '@pulse/platform/time/decay';
import { ProjectionHarness, replayScenarios, toProjectedEvents } from '@pulse/testing';
import type { ShopperEvent } from '../domain/shopper.events';
import type { ShopperProfileDocument } from './shopper-profile.document';
import { SHOPPER_PROFILE_ITEMS } from './shopper-profile-items';
import { createShopperProfileProjection, SHOPPER_PROFILES } from './shopper-profile.projection';
import type { ShopperProfileOptions } from './shopper-profile.options';

const DAY = 86_400_000;
const HALF_LIFE = 7 * DAY;
const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const minutes = (n: number) => iso(T0 + n * 60_000);

// ---- given: items ---------------------------------------------------------------

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
const runningShoes = ['run-1', 'run-2', 'run-3'].map((id) => listed(item(id)));
const bag = listed(item('bag-1', { categoryPath: ['Bags'], brand: 'Packer', price: 30 }));

// ---- given: shopper events -----------------------------------------------------------

let clientEventCounter = 0;
const common = (occurredAt: string, sessionId = 'sess-1') => ({
  shopperId: 'u-1',
  sessionId,
  clientEventId: `c-${++clientEventCounter}`,
  occurredAt,
});
const viewed = (itemId: string, occurredAt: string, sessionId?: string): ShopperEvent => ({
  type: 'ShopperViewedItem',
  data: { ...common(occurredAt, sessionId), itemId },
});
const searched = (query: string, occurredAt: string): ShopperEvent => ({
  type: 'ShopperSearched',
  data: { ...common(occurredAt), query },
});
const added = (itemId: string, quantity: number, occurredAt: string): ShopperEvent => ({
  type: 'ShopperAddedItemToCart',
  data: { ...common(occurredAt), itemId, quantity },
});
const removed = (itemId: string, quantity: number, occurredAt: string): ShopperEvent => ({
  type: 'ShopperRemovedItemFromCart',
  data: { ...common(occurredAt), itemId, quantity },
});
const purchased = (
  itemId: string,
  occurredAt: string,
  unitPrice = 80,
  currency?: string,
): ShopperEvent => ({
  type: 'ShopperPurchasedItem',
  data: {
    ...common(occurredAt),
    itemId,
    quantity: 1,
    unitPrice,
    ...(currency !== undefined && { currency }),
  },
});

const options: ShopperProfileOptions = { halfLifeMs: HALF_LIFE };

async function profileAfter(
  events: DomainEvent[],
  overrides: Partial<ShopperProfileOptions> = {},
): Promise<ShopperProfileDocument> {
  const harness = new ProjectionHarness(
    createShopperProfileProjection({ ...options, ...overrides }),
  );
  await harness.apply(toProjectedEvents(events));
  const profile = harness.document<ShopperProfileDocument>(SHOPPER_PROFILES, 'u-1');
  if (!profile) throw new Error('no profile for u-1');
  return profile;
}

const now = T0 + DAY;
const strength = (scores: Record<string, { value: number; at: number }>, key: string) =>
  valueAt(scores[key], now, HALF_LIFE);

describe('shopper profile projection', () => {
  describe('affinities', () => {
    it('given three running-shoe views and one bag view, then every level of Shoes>Running outranks Bags', async () => {
      const profile = await profileAfter([
        ...runningShoes,
        bag,
        viewed('run-1', minutes(1)),
        viewed('run-2', minutes(2)),
        viewed('bag-1', minutes(3)),
        viewed('run-3', minutes(4)),
      ]);
      const { categories, brands, priceBands } = profile.affinities;
      expect(Object.keys(categories).sort()).toEqual(['Bags', 'Shoes', 'Shoes>Running']);
      expect(strength(categories, 'Shoes')).toBeGreaterThan(strength(categories, 'Bags'));
      expect(strength(categories, 'Shoes>Running')).toBeGreaterThan(strength(categories, 'Bags'));
      expect(strength(brands, 'Acme')).toBeGreaterThan(strength(brands, 'Packer'));
      expect(strength(priceBands, 'EUR:50-100')).toBeGreaterThan(strength(priceBands, 'EUR:20-50'));
      expect(profile.halfLifeMs).toBe(HALF_LIFE);
    });

    it('weighs a cart add above a view and a purchase above a cart add', async () => {
      const shoesAndBags = [
        ...runningShoes,
        bag,
        listed(item('hat-1', { categoryPath: ['Hats'] })),
      ];
      const profile = await profileAfter([
        ...shoesAndBags,
        viewed('hat-1', minutes(1)),
        added('bag-1', 1, minutes(1)),
        purchased('run-1', minutes(1)),
      ]);
      const { categories } = profile.affinities;
      expect(categories['Hats']!.value).toBe(1);
      expect(categories['Bags']!.value).toBe(3);
      expect(categories['Shoes']!.value).toBe(5);
    });

    it('given an old interest and a recent one, then half-life decay makes the old one weaker', async () => {
      const longAgo = T0 - 60 * DAY;
      const profile = await profileAfter([
        ...runningShoes,
        listed(bag.data as ItemFields, iso(longAgo - DAY)),
        ...Array.from({ length: 10 }, (_, i) => viewed('bag-1', iso(longAgo + i * 60_000), 'old')),
        viewed('run-1', minutes(1)),
        viewed('run-2', minutes(2)),
      ]);
      const { categories } = profile.affinities;
      // 10 views decayed by about 8.6 half-lives is worth less than 2 fresh views.
      expect(categories['Bags']!.value).toBeGreaterThan(categories['Shoes']!.value);
      expect(strength(categories, 'Shoes')).toBeGreaterThan(strength(categories, 'Bags'));
    });

    it('tokenises English and Chinese searches into term affinities', async () => {
      const profile = await profileAfter([
        searched('Trail running shoes for the mountains', minutes(1)),
        searched('红色跑步鞋', minutes(2)),
        searched('running shoes', minutes(3)),
      ]);
      const { terms } = profile.affinities;
      expect(Object.keys(terms)).toEqual(
        expect.arrayContaining(['trail', 'running', 'shoes', 'mountains', '跑步']),
      );
      expect(terms).not.toHaveProperty('the');
      expect(strength(terms, 'running')).toBeGreaterThan(strength(terms, 'trail'));
      expect(profile.affinities.categories).toEqual({});
    });

    it('uses the price paid and its currency for a purchase', async () => {
      const profile = await profileAfter([
        ...runningShoes,
        purchased('run-1', minutes(1), 8, 'USD'),
      ]);
      expect(Object.keys(profile.affinities.priceBands)).toEqual(['USD:5-10']);
    });

    it('lets a cart removal lower an affinity, dropping it at zero', async () => {
      const profile = await profileAfter([
        ...runningShoes,
        bag,
        viewed('bag-1', minutes(1)),
        removed('bag-1', 1, minutes(1)),
        added('run-1', 1, minutes(2)),
        removed('run-1', 1, minutes(2)),
      ]);
      expect(profile.affinities.categories).not.toHaveProperty('Bags');
      expect(profile.affinities.categories['Shoes']!.value).toBe(2);
    });

    it('keeps each affinity map to affinityLimit keys, the strongest among them', async () => {
      const categories = ['A', 'B', 'C', 'D', 'E'];
      const events: DomainEvent[] = categories.map((c) =>
        listed(item(`i-${c}`, { categoryPath: [c], brand: '' })),
      );
      categories.forEach((c, i) => {
        // E is viewed most, A least
        for (let n = 0; n <= i; n++) events.push(viewed(`i-${c}`, minutes(n)));
      });
      const profile = await profileAfter(events, { affinityLimit: 3 });
      expect(Object.keys(profile.affinities.categories).sort()).toEqual(['C', 'D', 'E']);
      expect(profile.affinities.brands).toEqual({});
    });

    it('stores brands the document store would refuse as keys through encodeKey', async () => {
      const profile = await profileAfter([
        listed(item('boot-1', { brand: 'Dr. Martens' })),
        viewed('boot-1', minutes(1)),
      ]);
      expect(Object.keys(profile.affinities.brands)).toEqual(['Dr%2E Martens']);
    });
  });

  describe('item facts', () => {
    it('given a view of an item not yet listed, then it counts but adds no affinity', async () => {
      const profile = await profileAfter([viewed('later-1', minutes(1)), listed(item('later-1'))]);
      expect(profile.counts.view).toBe(1);
      expect(profile.recentInteractions[0]).toMatchObject({ type: 'view', itemId: 'later-1' });
      expect(profile.affinities.categories).toEqual({});
    });

    it('counts a view toward the category the item had at that point of the log', async () => {
      const profile = await profileAfter([
        listed(item('x', { categoryPath: ['Shoes'] })),
        viewed('x', minutes(1)),
        {
          type: 'ItemUpdated',
          data: { ...item('x', { categoryPath: ['Boots'] }), at: minutes(2) },
        },
        viewed('x', minutes(3)),
      ]);
      expect(profile.affinities.categories['Shoes']!.value).toBe(1);
      expect(profile.affinities.categories['Boots']!.value).toBe(1);
    });

    it('keeps its own item facts, updated by price changes and delistings', async () => {
      const harness = new ProjectionHarness(createShopperProfileProjection(options));
      await harness.apply(
        toProjectedEvents([
          listed(item('x')),
          {
            type: 'ItemPriceChanged',
            data: {
              itemId: 'x',
              price: 120,
              previousPrice: 80,
              currency: 'EUR',
              previousCurrency: 'EUR',
              at: minutes(1),
            },
          },
          { type: 'ItemDelisted', data: { itemId: 'x', at: minutes(2) } },
        ]),
      );
      expect(harness.document(SHOPPER_PROFILE_ITEMS, 'x')).toEqual({
        categoryPath: ['Shoes', 'Running'],
        brand: 'Acme',
        price: 120,
        currency: 'EUR',
        delisted: true,
      });
    });
  });

  describe('recent interactions and counts', () => {
    it('lists interactions newest first with their item ids and queries, and counts each type', async () => {
      const profile = await profileAfter([
        ...runningShoes,
        viewed('run-1', minutes(1)),
        searched('trail shoes', minutes(2)),
        viewed('run-2', minutes(3)),
        viewed('run-3', minutes(4)),
      ]);
      expect(profile.recentInteractions).toEqual([
        { type: 'view', itemId: 'run-3', sessionId: 'sess-1', occurredAt: minutes(4) },
        { type: 'view', itemId: 'run-2', sessionId: 'sess-1', occurredAt: minutes(3) },
        { type: 'search', query: 'trail shoes', sessionId: 'sess-1', occurredAt: minutes(2) },
        { type: 'view', itemId: 'run-1', sessionId: 'sess-1', occurredAt: minutes(1) },
      ]);
      expect(profile.counts).toEqual({
        search: 1,
        view: 3,
        add_to_cart: 0,
        remove_from_cart: 0,
        purchase: 0,
      });
      expect(profile.firstSeenAt).toBe(minutes(1));
      expect(profile.lastSeenAt).toBe(minutes(4));
      expect(profile.lastEventAt).toBe(minutes(4));
    });

    it('puts a late (buffered) event where it happened, and bounds the list', async () => {
      const profile = await profileAfter(
        [
          viewed('a', minutes(1)),
          viewed('b', minutes(3)),
          viewed('c', minutes(4)),
          viewed('late', minutes(2)),
        ],
        { recentLimit: 3 },
      );
      expect(profile.recentInteractions.map((r) => r.itemId)).toEqual(['c', 'b', 'late']);
      expect(profile.firstSeenAt).toBe(minutes(1));
      expect(profile.lastSeenAt).toBe(minutes(4));
      expect(profile.counts.view).toBe(4);
    });
  });

  describe('cart and purchases', () => {
    it('adds, removes (clamped at zero) and empties bought lines from the cart', async () => {
      const profile = await profileAfter([
        added('a', 2, minutes(1)),
        added('b', 1, minutes(2)),
        added('c', 1, minutes(3)),
        removed('a', 1, minutes(4)),
        removed('c', 5, minutes(5)),
        removed('never-added', 1, minutes(6)),
        purchased('b', minutes(7)),
      ]);
      expect(profile.cart).toEqual({ a: 1 });
      expect(profile.purchasedItemIds).toEqual(['b']);
      expect(profile.counts).toMatchObject({ add_to_cart: 3, remove_from_cart: 3, purchase: 1 });
    });

    it('keeps purchased ids distinct, most recent first, bounded', async () => {
      const profile = await profileAfter(
        [
          purchased('a', minutes(1)),
          purchased('b', minutes(2)),
          purchased('a', minutes(3)),
          purchased('c', minutes(4)),
        ],
        { purchasedLimit: 2 },
      );
      expect(profile.purchasedItemIds).toEqual(['c', 'a']);
    });

    it('keys cart lines through encodeKey', async () => {
      const profile = await profileAfter([added('sku.1', 1, minutes(1))]);
      expect(profile.cart).toEqual({ 'sku%2E1': 1 });
    });
  });

  describe('current session', () => {
    it('given a new session id, then it replaces the current session', async () => {
      const profile = await profileAfter([
        viewed('a', minutes(1), 'morning'),
        viewed('b', minutes(2), 'morning'),
        viewed('c', minutes(60), 'evening'),
        viewed('d', minutes(61), 'evening'),
        viewed('c', minutes(62), 'evening'),
      ]);
      expect(profile.currentSession).toEqual({
        sessionId: 'evening',
        startedAt: minutes(60),
        lastAt: minutes(62),
        itemIds: ['c', 'd'],
      });
    });

    it('given a late event of an earlier session, then the current session stays', async () => {
      const profile = await profileAfter([
        viewed('a', minutes(1), 'morning'),
        viewed('c', minutes(60), 'evening'),
        viewed('b', minutes(2), 'morning'),
      ]);
      expect(profile.currentSession).toMatchObject({ sessionId: 'evening', itemIds: ['c'] });
    });
  });

  describe('replays', () => {
    const history: DomainEvent[] = [
      ...runningShoes,
      bag,
      searched('Trail running 跑步鞋', minutes(1)),
      viewed('run-1', minutes(2)),
      viewed('unknown', minutes(3)),
      added('run-1', 2, minutes(4)),
      {
        type: 'ItemStockChanged',
        data: { itemId: 'run-1', stock: 0, previousStock: 5, at: minutes(4) },
      },
      removed('run-1', 1, minutes(5)),
      viewed('bag-1', minutes(3), 'other'),
      purchased('run-1', minutes(6)),
      { type: 'ItemDelisted', data: { itemId: 'bag-1', at: minutes(7) } },
      viewed('bag-1', minutes(8), 'later'),
    ];

    it('gives the same documents when every event, or the whole log, is delivered twice', async () => {
      const runs = await replayScenarios(
        () => createShopperProfileProjection(options),
        toProjectedEvents(history),
      );
      expect(runs.eachTwice).toEqual(runs.once);
      expect(runs.sequenceTwice).toEqual(runs.once);
    });

    it('writes JSON documents that come out identical on every run', async () => {
      const runs = await replayScenarios(
        () => createShopperProfileProjection(options),
        toProjectedEvents(history),
      );
      expect(JSON.parse(JSON.stringify(runs.once))).toEqual(runs.once);
      expect(JSON.stringify(runs.secondRun)).toBe(JSON.stringify(runs.once));
      expect(Object.keys(runs.once[SHOPPER_PROFILES]!)).toEqual(['u-1']);
    });
  });

  describe('options', () => {
    it('refuses a bad option at creation, naming it', () => {
      expect(() => createShopperProfileProjection({ halfLifeMs: 0 })).toThrow(/halfLifeMs/);
      expect(() => createShopperProfileProjection({ halfLifeMs: DAY, recentLimit: 0 })).toThrow(
        /recentLimit/,
      );
      expect(() =>
        createShopperProfileProjection({ halfLifeMs: DAY, weights: { view: Number.NaN } }),
      ).toThrow(/view/);
    });
  });
});
