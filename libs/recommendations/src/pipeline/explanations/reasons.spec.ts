import type { Reason } from './reason';
import { RecommendationPipeline } from '../recommendation-pipeline';
import type { RecommendationResult } from '../recommendation-result';
import { buildSampleShop, NOW } from '../testing/sample-shop';
import type { Shop } from '../testing/shop-fixture';

let shop: Shop;
let pipeline: RecommendationPipeline;

beforeAll(async () => {
  shop = await buildSampleShop();
  pipeline = new RecommendationPipeline(shop.data);
});

const reasons = (result: RecommendationResult): Reason[] =>
  result.items.flatMap((item) => item.reasons);

describe('explanations', () => {
  it('name the source item by its catalog title and the interaction by its time', async () => {
    const result = await pipeline.recommend({
      profile: shop.profile('bob'),
      context: { kind: 'home' },
      limit: 10,
      now: NOW,
    });
    const coOccurrence = reasons(result).filter(
      (r) => r.code === 'also_viewed' || r.code === 'also_bought',
    );
    expect(coOccurrence.length).toBeGreaterThan(0);
    // Bob's only view is run-1, yesterday.
    for (const reason of coOccurrence) {
      expect(reason).toMatchObject({
        sourceItemId: 'run-1',
        sourceTitle: 'Stride Trail Runner',
        sourceInteraction: 'viewed 1 day ago',
        sourceInteractionType: 'viewed',
        sourceOccurredAt: new Date(NOW - 86_400_000).toISOString(),
      });
    }
    expect(coOccurrence).toContainEqual(
      expect.objectContaining({
        code: 'also_bought',
        text: 'often bought with Stride Trail Runner',
      }),
    );
  });

  it('say when the source was added to the cart', async () => {
    const result = await pipeline.recommend({
      profile: shop.profile('carol'),
      context: { kind: 'home' },
      limit: 10,
      now: NOW,
    });
    expect(reasons(result)).toContainEqual(
      expect.objectContaining({
        sourceItemId: 'run-5',
        sourceTitle: 'Stride Daily Trainer',
        sourceInteraction: 'added to cart 5 min ago',
      }),
    );
  });

  it('point at the liked category, brand and price range by name', async () => {
    const result = await pipeline.recommend({
      profile: shop.profile('alice'),
      context: { kind: 'home' },
      limit: 10,
      now: NOW,
      weights: { categoryAffinity: 1, brandAffinity: 1, priceAffinity: 1 },
    });
    const all = reasons(result);
    expect(all).toContainEqual(
      expect.objectContaining({
        code: 'popular_in_category',
        text: 'popular in Running',
        categoryKey: 'Shoes>Running',
      }),
    );
    expect(all).toContainEqual(
      expect.objectContaining({
        code: 'brand_affinity',
        text: 'matches your interest in Stride',
        brand: 'Stride',
      }),
    );
    expect(all).toContainEqual(
      expect.objectContaining({
        code: 'price_affinity',
        priceBand: 'EUR:100-200',
        text: 'in your usual price range (EUR 100-200)',
      }),
    );
  });

  it('call a rising item trending, with how much', async () => {
    const result = await pipeline.recommend({ context: { kind: 'home' }, limit: 5, now: NOW });
    const audio4 = result.items.find((item) => item.itemId === 'audio-4')!;
    const trending = audio4.reasons.find((r) => r.code === 'trending');
    expect(trending).toMatchObject({ text: 'trending now' });
    expect(trending && 'trending' in trending && trending.trending).toBeGreaterThan(1);
  });

  it('only claim what the item’s own facts support', async () => {
    const result = await pipeline.recommend({
      profile: shop.profile('alice'),
      context: { kind: 'home' },
      limit: 20,
      now: NOW,
    });
    for (const item of result.items) {
      const doc = shop.catalog.get(item.itemId)!;
      for (const reason of item.reasons) {
        if (reason.code === 'brand_affinity') expect(reason.brand).toBe(doc.brand);
        if (reason.code === 'popular_in_category' || reason.code === 'category_affinity') {
          expect(doc.categoryKeys).toContain(reason.categoryKey);
        }
        if (reason.code === 'new_arrival') expect(reason.listedAt).toBe(doc.listedAt);
        if (reason.code === 'also_viewed') {
          const neighbours = shop.statistics
            .get(reason.sourceItemId)!
            .alsoViewed.map((n) => n.itemId);
          expect(neighbours).toContain(item.itemId);
        }
        if (reason.code === 'also_bought') {
          const neighbours = shop.statistics
            .get(reason.sourceItemId)!
            .alsoBought.map((n) => n.itemId);
          expect(neighbours).toContain(item.itemId);
        }
      }
    }
  });
});
