import { RecommendationPipeline } from './recommendation-pipeline';
import type { SimilarItemsResult } from './recommendation-result';
import { buildSampleShop, NOW } from './testing/sample-shop';
import type { Shop } from './testing/shop-fixture';

let shop: Shop;
let pipeline: RecommendationPipeline;

beforeAll(async () => {
  shop = await buildSampleShop();
  pipeline = new RecommendationPipeline(shop.data);
});

const ids = (result: SimilarItemsResult) => result.items.map((item) => item.itemId);

describe('similar items', () => {
  it('blends the item’s co-viewed and co-bought neighbours with popular items of its category', async () => {
    const result = await pipeline.similarItems({ itemId: 'run-1', limit: 8, now: NOW });
    expect(result.strategy).toBe('similar');
    expect(result.anchor).toEqual({ itemId: 'run-1', title: 'Stride Trail Runner' });
    expect(ids(result)).not.toContain('run-1');
    expect(ids(result)).toEqual(expect.arrayContaining(['run-2', 'run-3', 'sock-1']));
    const running = result.items.filter((item) =>
      shop.catalog.get(item.itemId)!.categoryKeys.includes('Shoes>Running'),
    );
    expect(running.length).toBeGreaterThanOrEqual(5);
    // Popular elsewhere, unrelated: not similar.
    expect(ids(result)).not.toContain('audio-1');
  });

  it('explains each item by its relation to the item asked about', async () => {
    const result = await pipeline.similarItems({ itemId: 'run-1', limit: 8, now: NOW });
    const sock = result.items.find((item) => item.itemId === 'sock-1')!;
    expect(sock.reasons).toContainEqual(
      expect.objectContaining({
        code: 'also_bought',
        text: 'often bought with Stride Trail Runner',
        sourceItemId: 'run-1',
      }),
    );
    const run3 = result.items.find((item) => item.itemId === 'run-3')!;
    expect(run3.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['also_viewed', 'popular_in_category']),
    );
    for (const item of result.items) expect(item.reasons.length).toBeGreaterThan(0);
  });

  it('filters the shopper’s purchases when a profile is given, without personalising the order', async () => {
    const anonymous = await pipeline.similarItems({ itemId: 'run-1', limit: 8, now: NOW });
    const forBob = await pipeline.similarItems({
      itemId: 'run-1',
      limit: 8,
      now: NOW,
      profile: shop.profile('bob'),
    });
    expect(ids(anonymous)).toContain('run-4');
    expect(ids(forBob)).not.toContain('run-4');
    expect(forBob.filteredOut.bought).toBe(1);
    const withoutRun4 = ids(anonymous).filter((id) => id !== 'run-4');
    expect(ids(forBob).slice(0, withoutRun4.length - 1)).toEqual(withoutRun4.slice(0, -1));
  });

  it('obeys rules and stock like recommendations', async () => {
    const result = await pipeline.similarItems({
      itemId: 'run-1',
      limit: 8,
      now: NOW,
      rules: { excludeBrands: ['Swift'], maxPrice: 115 },
    });
    for (const item of result.items) {
      const doc = shop.catalog.get(item.itemId)!;
      expect(doc.brand).not.toBe('Swift');
      expect(doc.price).toBeLessThanOrEqual(115);
      expect(doc.inStock).toBe(true);
    }
  });

  it('still has similar items for a delisted item, and none for an unknown one', async () => {
    const delisted = await pipeline.similarItems({ itemId: 'run-gone', limit: 5, now: NOW });
    expect(delisted.anchor).toEqual({ itemId: 'run-gone', title: 'Swift Vintage' });
    expect(delisted.items.length).toBeGreaterThan(0);
    const unknown = await pipeline.similarItems({ itemId: 'ghost-1', limit: 5, now: NOW });
    expect(unknown).toMatchObject({ anchor: null, items: [], candidatesConsidered: 0 });
  });
});
