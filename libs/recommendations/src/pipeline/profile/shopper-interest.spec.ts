import { encodeKey } from '@pulse/platform/text/document-key';
import type { ShopperProfileDocument } from '@pulse/shoppers/projections/shopper-profile.document';
import { ShopperInterest } from './shopper-interest';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const DAY = 86_400_000;

function profile(overrides: Partial<ShopperProfileDocument> = {}): ShopperProfileDocument {
  const at = NOW;
  const scores = (entries: Record<string, number>, when = at) =>
    Object.fromEntries(
      Object.entries(entries).map(([key, value]) => [encodeKey(key), { value, at: when }]),
    );
  return {
    shopperId: 'u1',
    halfLifeMs: 14 * DAY,
    affinities: {
      // 3 trail-running items, 1 hiking boot, 1 shirt.
      categories: scores({
        Shoes: 4,
        'Shoes>Running': 3,
        'Shoes>Running>Trail': 3,
        'Shoes>Hiking': 1,
        Apparel: 1,
        'Apparel>Shirts': 1,
      }),
      brands: scores({ 'Dr. Martens': 2, Stride: 4 }),
      terms: {},
      priceBands: scores({ 'EUR:100-200': 4, 'EUR:20-50': 1 }),
    },
    recentInteractions: [],
    purchasedItemIds: ['p1'],
    cart: { [encodeKey('sku.1')]: 1 },
    currentSession: { sessionId: 's', startedAt: '', lastAt: '', itemIds: ['v1'] },
    counts: { search: 0, view: 0, add_to_cart: 0, remove_from_cart: 0, purchase: 0 },
    firstSeenAt: '',
    lastSeenAt: '',
    lastEventAt: '',
    ...overrides,
  };
}

describe('ShopperInterest', () => {
  const interest = ShopperInterest.from(profile(), NOW);

  it('ranks categories at the deepest informative level (own interest beyond the children)', () => {
    expect(interest.topCategories(3)).toEqual([
      { key: 'Shoes>Running>Trail', weight: 1 },
      { key: 'Apparel>Shirts', weight: 1 / 3 },
      { key: 'Shoes>Hiking', weight: 1 / 3 },
    ]);
  });

  it('scores a category path level by level against the strongest sibling', () => {
    expect(interest.categoryAffinity(['Shoes', 'Shoes>Running', 'Shoes>Running>Trail'])).toEqual({
      value: 1,
      categoryKey: 'Shoes>Running>Trail',
    });
    // Hiking is a third of Running among Shoes' children.
    expect(interest.categoryAffinity(['Shoes', 'Shoes>Hiking']).value).toBeCloseTo(1 / 3);
    // Apparel is a quarter of Shoes at the root.
    expect(interest.categoryAffinity(['Apparel', 'Apparel>Shirts'])).toEqual({
      value: 0.25,
      categoryKey: 'Apparel>Shirts',
    });
    // A deeper level the shopper knows nothing about is no evidence against.
    expect(
      interest.categoryAffinity(['Shoes', 'Shoes>Hiking', 'Shoes>Hiking>Boots']).categoryKey,
    ).toBe('Shoes>Hiking');
    // A sibling the shopper never touched scores 0.
    expect(interest.categoryAffinity(['Shoes', 'Shoes>Sandals']).value).toBe(0);
    expect(interest.categoryAffinity(['Audio']).value).toBe(0);
  });

  it('decodes keys and compares brands and price bands with the strongest', () => {
    expect(interest.brandAffinity('Stride')).toBe(1);
    expect(interest.brandAffinity('Dr. Martens')).toBe(0.5);
    expect(interest.brandAffinity('')).toBe(0);
    expect(interest.priceAffinity(120, 'EUR')).toEqual({ value: 1, band: 'EUR:100-200' });
    expect(interest.priceAffinity(30, 'EUR').value).toBe(0.25);
    expect(interest.priceAffinity(120, 'USD').value).toBe(0);
    expect([...interest.cart]).toEqual(['sku.1']);
  });

  it('decays affinities to now before ranking them', () => {
    const old = profile();
    const withStale = ShopperInterest.from(
      {
        ...old,
        affinities: {
          ...old.affinities,
          // Once far stronger, but 10 half-lives ago.
          brands: { Stride: { value: 1, at: NOW }, Acme: { value: 100, at: NOW - 140 * DAY } },
        },
      },
      NOW,
    );
    expect(withStale.topBrands(1)).toEqual([{ key: 'Stride', weight: 1 }]);
  });

  it('is empty without a profile, or with one that holds nothing to go on', () => {
    expect(ShopperInterest.from(null, NOW).isEmpty).toBe(true);
    expect(ShopperInterest.from(undefined, NOW).isEmpty).toBe(true);
    expect(interest.isEmpty).toBe(false);
    const blank = profile({
      affinities: {
        categories: {},
        brands: {},
        terms: { shoes: { value: 1, at: NOW } },
        priceBands: {},
      },
      purchasedItemIds: [],
      cart: {},
      currentSession: { sessionId: 's', startedAt: '', lastAt: '', itemIds: [] },
    });
    expect(ShopperInterest.from(blank, NOW).isEmpty).toBe(true);
  });
});
