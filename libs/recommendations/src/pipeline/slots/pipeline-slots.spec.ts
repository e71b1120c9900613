import { RecommendationPipeline } from '../recommendation-pipeline';
import type { RecommendationRequest } from '../recommendation-request';
import type { RecommendationResult } from '../recommendation-result';
import { buildSampleShop, NOW } from '../testing/sample-shop';
import { DAY, type Shop } from '../testing/shop-fixture';

let shop: Shop;
let pipeline: RecommendationPipeline;

beforeAll(async () => {
  shop = await buildSampleShop();
  pipeline = new RecommendationPipeline(shop.data);
});

const forAlice = (overrides: Partial<RecommendationRequest> = {}) =>
  pipeline.recommend({
    profile: shop.profile('alice'),
    context: { kind: 'home' },
    limit: 10,
    now: NOW,
    ...overrides,
  });

const ids = (result: RecommendationResult) => result.items.map((item) => item.itemId);
const positionsOf = (result: RecommendationResult, slot: string) =>
  result.items.flatMap((item, position) => (item.slot === slot ? [position] : []));
const isNonIncreasing = (values: readonly number[]) =>
  values.every((value, i) => i === 0 || value <= values[i - 1]! + 1e-12);

describe('promotions', () => {
  it('reserves round(limit·share) slots for matching items, spread over the list, most relevant first', async () => {
    const result = await forAlice({
      promotion: { share: 0.3, filter: { brands: ['Trek'] }, label: 'Trek week' },
    });
    expect(result.promotion).toEqual({ reserved: 3, filled: 3 });
    const promoted = result.items.filter((item) => item.slot === 'promoted');
    expect(promoted).toHaveLength(3);
    for (const item of promoted) {
      expect(shop.catalog.get(item.itemId)!.brand).toBe('Trek');
      expect(item.reasons[0]).toEqual({
        code: 'promoted',
        text: 'promoted: Trek week',
        label: 'Trek week',
      });
    }
    expect(positionsOf(result, 'promoted')).toEqual([1, 5, 8]);
    expect(isNonIncreasing(promoted.map((item) => item.relevance))).toBe(true);
    expect(new Set(ids(result)).size).toBe(result.items.length);
    expect(result.items).toHaveLength(10);
  });

  it('rounds the share of the limit', async () => {
    const result = await forAlice({
      limit: 5,
      promotion: { share: 0.3, filter: { categories: ['Apparel'] } },
    });
    expect(result.promotion).toEqual({ reserved: 2, filled: 2 });
    expect(positionsOf(result, 'promoted')).toEqual([1, 3]);
  });

  it('fills promoted slots with items no generator proposed', async () => {
    const result = await forAlice({ promotion: { share: 0.1, filter: { itemIds: ['shirt-2'] } } });
    expect(result.items.find((item) => item.slot === 'promoted')).toMatchObject({
      itemId: 'shirt-2',
    });
  });

  it('matches sale items and recent listings', async () => {
    const onSale = await forAlice({ promotion: { share: 0.2, filter: { onSale: true } } });
    expect(onSale.items.filter((i) => i.slot === 'promoted').map((i) => i.itemId)).toEqual([
      'shirt-3',
    ]);
    const recent = await forAlice({
      promotion: { share: 0.2, filter: { newerThanDays: 7 } },
      explorationShare: 0,
    });
    const promoted = recent.items.filter((i) => i.slot === 'promoted');
    expect(promoted).toHaveLength(2);
    for (const item of promoted) {
      expect(Date.parse(shop.catalog.get(item.itemId)!.listedAt)).toBeGreaterThanOrEqual(
        NOW - 7 * DAY,
      );
    }
  });

  it('gives unfillable promoted slots back to organic items', async () => {
    const result = await forAlice({ promotion: { share: 0.5, filter: { brands: ['Nobody'] } } });
    expect(result.promotion).toEqual({ reserved: 5, filled: 0 });
    expect(result.items).toHaveLength(10);
  });
});

describe('exploration', () => {
  it('reserves the exploration share for new arrivals and says so first', async () => {
    const result = await forAlice({ explorationShare: 0.2 });
    expect(result.exploration).toEqual({ reserved: 2, filled: 2 });
    for (const item of result.items.filter((i) => i.slot === 'exploration')) {
      expect(Date.parse(shop.catalog.get(item.itemId)!.listedAt)).toBeGreaterThan(NOW - 30 * DAY);
      expect(item.reasons[0]).toMatchObject({
        code: 'new_arrival',
        listedAt: shop.catalog.get(item.itemId)!.listedAt,
      });
      expect(item.reasons[0]!.text).toMatch(/^new arrival, listed \d+ days? ago$/);
    }
  });

  it('reserves nothing when the share is 0', async () => {
    const result = await forAlice({ explorationShare: 0 });
    expect(result.exploration).toEqual({ reserved: 0, filled: 0 });
    expect(positionsOf(result, 'exploration')).toEqual([]);
  });
});

describe('diversity', () => {
  it('the diversity knob lowers the share of the dominant category', async () => {
    const share = async (diversity: number) => {
      const result = await forAlice({ diversity, explorationShare: 0 });
      const running = result.items.filter((item) =>
        shop.catalog.get(item.itemId)!.categoryKeys.includes('Shoes>Running'),
      );
      return running.length / result.items.length;
    };
    const [none, some, full] = [await share(0), await share(0.5), await share(1)];
    expect(some).toBeLessThanOrEqual(none);
    expect(full).toBeLessThan(none);
    expect(full).toBeLessThanOrEqual(some);
  });

  it('keeps the same items in relevance order at diversity 0', async () => {
    const result = await forAlice({ diversity: 0, explorationShare: 0 });
    const relevance = result.items.map((item) => item.relevance);
    expect(isNonIncreasing(relevance)).toBe(true);
    const best = relevance[0]!;
    for (const item of result.items) expect(item.score).toBeCloseTo(item.relevance / best, 12);
  });
});

describe('scores', () => {
  it.each([
    ['defaults', {}],
    ['no diversity', { diversity: 0 }],
    ['full diversity', { diversity: 1 }],
    [
      'promotion and exploration',
      { promotion: { share: 0.3, filter: { brands: ['Trek'] } }, explorationShare: 0.2 },
    ],
  ])(
    'are non-increasing down the organic slots (%s), and sorted overall without reserved slots',
    async (_, overrides) => {
      const result = await forAlice(overrides as Partial<RecommendationRequest>);
      const organic = result.items
        .filter((item) => item.slot === 'organic')
        .map((item) => item.score);
      expect(isNonIncreasing(organic)).toBe(true);
      if (result.items.every((item) => item.slot === 'organic')) {
        expect(isNonIncreasing(result.items.map((item) => item.score))).toBe(true);
      }
      for (const item of result.items) {
        expect(item.score).toBeGreaterThanOrEqual(0);
        expect(item.score).toBeLessThanOrEqual(1);
      }
    },
  );

  it('are sorted for the anonymous and baseline lists too', async () => {
    for (const request of [
      { context: { kind: 'home' as const }, explorationShare: 0 },
      { context: { kind: 'home' as const }, strategy: 'popular' as const },
    ]) {
      const result = await pipeline.recommend({ ...request, limit: 10, now: NOW });
      expect(isNonIncreasing(result.items.map((item) => item.score))).toBe(true);
    }
  });
});
