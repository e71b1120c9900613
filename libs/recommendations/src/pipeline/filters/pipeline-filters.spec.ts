import { RecommendationPipeline } from '../recommendation-pipeline';
import type { RecommendationRequest } from '../recommendation-request';
import type { RecommendationResult } from '../recommendation-result';
import { buildSampleShop, NOW } from '../testing/sample-shop';
import type { Shop } from '../testing/shop-fixture';

let shop: Shop;
let pipeline: RecommendationPipeline;

beforeAll(async () => {
  shop = await buildSampleShop();
  pipeline = new RecommendationPipeline(shop.data);
});

const ids = (result: RecommendationResult) => result.items.map((item) => item.itemId);

/** Every strategy and context the pipeline serves, for a shopper or none. */
function everyRequest(profileOf: string | null): RecommendationRequest[] {
  const profile = profileOf ? shop.profile(profileOf) : null;
  const base = { profile, limit: 30, now: NOW, explorationShare: 0.2 };
  return [
    { ...base, context: { kind: 'home' } },
    { ...base, context: { kind: 'product', itemId: 'run-1' } },
    { ...base, context: { kind: 'cart', itemIds: ['run-1'] } },
    { ...base, context: { kind: 'home' }, strategy: 'popular' },
    {
      ...base,
      context: { kind: 'home' },
      promotion: { share: 0.5, filter: { categories: ['Shoes'] } },
    },
  ];
}

describe('filters', () => {
  it('never returns out-of-stock, delisted or unknown items, in any strategy or context', async () => {
    for (const shopper of [null, 'alice', 'bob', 'carol', 'dave']) {
      for (const request of everyRequest(shopper)) {
        const result = await pipeline.recommend(request);
        expect(ids(result)).not.toContain('run-oos');
        expect(ids(result)).not.toContain('run-gone');
        expect(ids(result)).not.toContain('ghost-1');
        for (const item of result.items) {
          const doc = shop.catalog.get(item.itemId)!;
          expect(doc).toMatchObject({ status: 'active', inStock: true });
        }
      }
    }
    const similar = await pipeline.similarItems({ itemId: 'run-1', limit: 30, now: NOW });
    expect(ids(similar)).not.toContain('run-oos');
    expect(ids(similar)).not.toContain('run-gone');
    expect(ids(similar)).not.toContain('ghost-1');
  });

  it('counts what it filtered, each candidate once', async () => {
    const result = await pipeline.recommend({
      context: { kind: 'product', itemId: 'run-1' },
      limit: 30,
      now: NOW,
    });
    // run-gone (delisted) and ghost-1 (never listed) are co-viewed with run-1.
    expect(result.filteredOut).toMatchObject({ unavailable: 2, outOfStock: 1, contextItem: 1 });
    const filtered = Object.values(result.filteredOut).reduce((a, b) => a + b, 0);
    expect(result.candidatesConsidered).toBeGreaterThanOrEqual(filtered + result.items.length);
  });

  describe('purchases', () => {
    it('never brings back what the shopper bought', async () => {
      for (const request of everyRequest('bob')) {
        const result = await pipeline.recommend(request);
        expect(ids(result)).not.toContain('run-4');
        expect(ids(result)).not.toContain('coffee-1');
      }
      const result = await pipeline.recommend(everyRequest('bob')[0]!);
      expect(result.filteredOut.bought).toBeGreaterThan(0);
    });

    it('brings back purchases of a repeat-purchase category (consumables)', async () => {
      const request: RecommendationRequest = {
        profile: shop.profile('bob'),
        context: { kind: 'home' },
        limit: 5,
        now: NOW,
        rules: { includeCategories: ['Grocery'] },
      };
      expect(ids(await pipeline.recommend(request))).not.toContain('coffee-1');
      const repeat = await pipeline.recommend({
        ...request,
        repeatPurchaseCategories: ['Grocery>Coffee'],
      });
      expect(ids(repeat)).toContain('coffee-1');
      expect(ids(repeat)).not.toContain('run-4');
      const configured = new RecommendationPipeline(shop.data, {
        repeatPurchaseCategories: ['Grocery'],
      });
      expect(ids(await configured.recommend(request))).toContain('coffee-1');
    });
  });

  describe('request rules', () => {
    const request = (rules: RecommendationRequest['rules']): RecommendationRequest => ({
      profile: shop.profile('alice'),
      context: { kind: 'home' },
      limit: 30,
      now: NOW,
      rules,
    });

    it('includes only the given categories, at any level', async () => {
      const result = await pipeline.recommend(
        request({ includeCategories: ['Apparel', 'Shoes>Hiking'] }),
      );
      expect(result.items.length).toBeGreaterThan(0);
      for (const item of result.items) {
        const keys = shop.catalog.get(item.itemId)!.categoryKeys;
        expect(keys.includes('Apparel') || keys.includes('Shoes>Hiking')).toBe(true);
      }
      expect(result.filteredOut.rules).toBeGreaterThan(0);
    });

    it('excludes categories at any level, brands and ids', async () => {
      const result = await pipeline.recommend(
        request({
          excludeCategories: ['Shoes>Running', 'Electronics'],
          excludeBrands: ['Basic'],
          excludeItemIds: ['sock-1'],
        }),
      );
      expect(result.items.length).toBeGreaterThan(0);
      for (const item of result.items) {
        const doc = shop.catalog.get(item.itemId)!;
        expect(doc.categoryKeys).not.toContain('Shoes>Running');
        expect(doc.categoryKeys).not.toContain('Electronics');
        expect(doc.brand).not.toBe('Basic');
        expect(item.itemId).not.toBe('sock-1');
      }
    });

    it('includes only the given brands within the price range (inclusive)', async () => {
      const result = await pipeline.recommend(
        request({ includeBrands: ['Stride', 'Trek'], minPrice: 15, maxPrice: 120 }),
      );
      expect(result.items.length).toBeGreaterThan(0);
      for (const item of result.items) {
        const doc = shop.catalog.get(item.itemId)!;
        expect(['Stride', 'Trek']).toContain(doc.brand);
        expect(doc.price).toBeGreaterThanOrEqual(15);
        expect(doc.price).toBeLessThanOrEqual(120);
      }
      expect(ids(result)).toContain('sock-1'); // exactly at the lower bound
    });

    it('wins over promotions', async () => {
      const result = await pipeline.recommend({
        ...request({ excludeBrands: ['Trek'] }),
        limit: 10,
        promotion: { share: 0.3, filter: { brands: ['Trek'] } },
      });
      expect(result.promotion).toEqual({ reserved: 3, filled: 0 });
      expect(result.items.map((item) => shop.catalog.get(item.itemId)!.brand)).not.toContain(
        'Trek',
      );
      expect(result.items).toHaveLength(10);
    });
  });
});
