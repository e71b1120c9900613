import type { CandidateGenerator } from './candidates/candidate-generator';
import { RecommendationPipeline } from './recommendation-pipeline';
import type { RecommendationRequest } from './recommendation-request';
import type { RecommendationResult } from './recommendation-result';
import { InvalidRecommendationRequestError } from './request-validation';
import type { Scorer } from './scoring/scorer';
import { InMemoryRecommendationData } from './testing/in-memory-recommendation-data';
import { buildSampleShop, NOW } from './testing/sample-shop';
import type { Shop } from './testing/shop-fixture';

let shop: Shop;
let pipeline: RecommendationPipeline;

beforeAll(async () => {
  shop = await buildSampleShop();
  pipeline = new RecommendationPipeline(shop.data);
});

const ids = (result: RecommendationResult) => result.items.map((item) => item.itemId);
const inCategory = (result: RecommendationResult, key: string) =>
  result.items.filter((item) => shop.catalog.get(item.itemId)!.categoryKeys.includes(key));

describe('recommendation pipeline', () => {
  describe('personalized', () => {
    const forAlice = (overrides: Partial<RecommendationRequest> = {}) =>
      pipeline.recommend({
        profile: shop.profile('alice'),
        context: { kind: 'home' },
        limit: 8,
        now: NOW,
        ...overrides,
      });

    it('given a shopper who viewed three running shoes, then most recommendations are running shoes', async () => {
      const result = await forAlice();
      expect(result.strategy).toBe('personalized');
      expect(result.items).toHaveLength(8);
      expect(inCategory(result, 'Shoes>Running').length).toBeGreaterThanOrEqual(5);
      // The top item is a running shoe although audio is the shop's bestseller.
      expect(shop.catalog.get(result.items[0]!.itemId)!.categoryKeys).toContain('Shoes>Running');
    });

    it('cites the views behind co-occurrence recommendations, with the viewed item and when', async () => {
      const result = await forAlice();
      const cited = result.items.flatMap((item) =>
        item.reasons.flatMap((reason) =>
          reason.code === 'also_viewed' || reason.code === 'also_bought' ? [reason] : [],
        ),
      );
      expect(cited.length).toBeGreaterThan(0);
      const viewed = { 'run-1': '10 min ago', 'run-2': '6 min ago', 'run-3': '3 min ago' };
      for (const reason of cited) {
        expect(Object.keys(viewed)).toContain(reason.sourceItemId);
        expect(reason.sourceTitle).toBe(shop.catalog.get(reason.sourceItemId)!.title);
        expect(reason.text).toContain(reason.sourceTitle);
        expect(reason.sourceInteraction).toBe(
          `viewed ${viewed[reason.sourceItemId as keyof typeof viewed]}`,
        );
        expect(reason.sourceOccurredAt).toBeDefined();
      }
    });

    it('does not recommend back the items of the current session', async () => {
      const result = await forAlice({ limit: 20 });
      for (const seen of ['run-1', 'run-2', 'run-3']) expect(ids(result)).not.toContain(seen);
      expect(result.filteredOut.seen).toBe(3);
    });

    it('gives the cart page complements of the cart: items bought with what is in it', async () => {
      const result = await pipeline.recommend({
        profile: shop.profile('carol'),
        context: { kind: 'cart' },
        limit: 6,
        now: NOW,
      });
      expect(ids(result)).not.toContain('run-5');
      expect(result.filteredOut.inCart).toBe(1);
      const fromCart = result.items.flatMap((item) =>
        item.reasons.filter((r) => 'sourceItemId' in r && r.sourceItemId === 'run-5'),
      );
      expect(fromCart.length).toBeGreaterThan(0);
      for (const reason of fromCart)
        expect(reason).toMatchObject({ sourceInteraction: 'in your cart' });
    });

    it('keeps every item explained, with signals and contributions that add up to the relevance', async () => {
      const result = await forAlice();
      for (const item of result.items) {
        expect(item.reasons.length).toBeGreaterThan(0);
        for (const reason of item.reasons) expect(reason.text).toEqual(expect.any(String));
        for (const value of Object.values(item.signals)) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
        }
        const sum = Object.values(item.contributions).reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(item.relevance, 10);
      }
    });
  });

  describe('cold start', () => {
    it('given no profile on the home page, then the shop’s popular and trending items', async () => {
      const result = await pipeline.recommend({ context: { kind: 'home' }, limit: 6, now: NOW });
      expect(result.strategy).toBe('cold_start');
      // audio-4 is the item taking off right now; audio is the bestselling category.
      expect(ids(result)[0]).toBe('audio-4');
      expect(result.items[0]!.reasons.map((r) => r.code)).toEqual(
        expect.arrayContaining(['popular', 'trending']),
      );
    });

    it('given a product page, then items of the product’s category, explained by it', async () => {
      const result = await pipeline.recommend({
        context: { kind: 'product', itemId: 'run-1' },
        limit: 6,
        now: NOW,
      });
      expect(result.strategy).toBe('cold_start');
      expect(ids(result)).not.toContain('run-1');
      expect(result.filteredOut.contextItem).toBe(1);
      expect(inCategory(result, 'Shoes>Running').length).toBeGreaterThanOrEqual(4);
      const reasons = result.items.flatMap((item) => item.reasons);
      expect(reasons).toContainEqual(
        expect.objectContaining({
          code: 'popular_in_category',
          categoryKey: 'Shoes>Running',
          text: 'popular in Running',
        }),
      );
    });

    it('given an anonymous cart, then what is bought with the cart’s items comes first', async () => {
      const result = await pipeline.recommend({
        context: { kind: 'cart', itemIds: ['run-1'] },
        limit: 6,
        now: NOW,
      });
      expect(result.strategy).toBe('cold_start');
      expect(result.items[0]).toMatchObject({ itemId: 'sock-1' });
      expect(result.items[0]!.reasons[0]).toMatchObject({
        code: 'also_bought',
        text: 'often bought with Stride Trail Runner',
        sourceInteraction: 'in your cart',
      });
    });

    it('treats an empty profile like no profile', async () => {
      const empty = {
        ...shop.profile('alice')!,
        recentInteractions: [],
        purchasedItemIds: [],
        cart: {},
      };
      const result = await pipeline.recommend({
        profile: {
          ...empty,
          affinities: { categories: {}, brands: {}, terms: {}, priceBands: {} },
          currentSession: { ...empty.currentSession, itemIds: [] },
        },
        context: { kind: 'home' },
        limit: 5,
        now: NOW,
      });
      expect(result.strategy).toBe('cold_start');
    });
  });

  describe('popular baseline', () => {
    it('orders by plain popularity with the same filters', async () => {
      const result = await pipeline.recommend({
        profile: shop.profile('bob'),
        context: { kind: 'home' },
        limit: 10,
        now: NOW,
        strategy: 'popular',
      });
      expect(result.strategy).toBe('popular');
      expect(result.scorer).toBe('popularity');
      expect(result.exploration).toEqual({ reserved: 0, filled: 0 });
      const popularity = result.items.map((item) => item.signals.popularity!);
      expect(popularity).toEqual([...popularity].sort((a, b) => b - a));
      expect(ids(result)).not.toContain('run-4'); // bought
      expect(ids(result)).not.toContain('coffee-1'); // bought
      expect(result.items.every((item) => item.slot === 'organic')).toBe(true);
    });
  });

  describe('determinism', () => {
    const request: RecommendationRequest = {
      shopperId: 'alice',
      context: { kind: 'home' },
      limit: 10,
      now: NOW,
      promotion: { share: 0.2, filter: { brands: ['Trek'] } },
    };

    it('answers the same request the same way, whatever order the data was stored in', async () => {
      const first = await pipeline.recommend({ ...request, profile: shop.profile('alice') });
      const again = await pipeline.recommend({ ...request, profile: shop.profile('alice') });
      const reversed = new RecommendationPipeline(
        new InMemoryRecommendationData({
          catalog: [...shop.catalog.values()].reverse(),
          statistics: [...shop.statistics.values()].reverse(),
        }),
      );
      const shuffled = await reversed.recommend({ ...request, profile: shop.profile('alice') });
      expect(again).toEqual(first);
      expect(shuffled).toEqual(first);
    });
  });

  describe('pluggable generators and scorers', () => {
    it('runs a registered model generator and scorer named in the request, and reports the model version', async () => {
      const model: CandidateGenerator = {
        name: 'test_model',
        signal: { name: 'model', normalization: 'min_max' },
        modelVersion: 'm-7',
        async generate() {
          return [
            { itemId: 'shirt-2', score: -1, evidence: { kind: 'model', model: 'test_model' } },
            {
              itemId: 'hike-3',
              score: 3,
              evidence: { kind: 'model', model: 'test_model', text: 'picked by the test model' },
            },
          ];
        },
      };
      const byModel: Scorer = {
        name: 'model_only',
        score: ({ candidates }) =>
          candidates.map((c) => ({
            itemId: c.itemId,
            score: c.signals.model ?? 0,
            contributions: { model: c.signals.model ?? 0 },
          })),
      };
      const withModel = new RecommendationPipeline(shop.data, {
        generators: [model],
        scorers: [byModel],
      });
      const result = await withModel.recommend({
        profile: shop.profile('alice'),
        context: { kind: 'home' },
        limit: 2,
        now: NOW,
        generators: ['test_model'],
        scorer: 'model_only',
        diversity: 0,
        explorationShare: 0,
      });
      expect(ids(result)).toEqual(['hike-3', 'shirt-2']);
      expect(result.modelVersion).toBe('m-7');
      expect(result.items[0]!.reasons[0]).toMatchObject({
        code: 'model',
        text: 'picked by the test model',
      });
      expect(result.items[0]!.signals.model).toBe(1);
      expect(result.items[1]!.signals.model).toBe(0);
    });

    it("serves strategy 'model' from the plan a model library supplies, and refuses it without one", async () => {
      const model: CandidateGenerator = {
        name: 'model',
        signal: { name: 'model', normalization: 'min_max' },
        modelVersion: 'm-8',
        async generate() {
          return [
            { itemId: 'shirt-2', score: 1, evidence: { kind: 'model', model: 'test' } },
            { itemId: 'hike-3', score: 5, evidence: { kind: 'model', model: 'test' } },
            { itemId: 'run-1', score: 3, evidence: { kind: 'model', model: 'test' } },
          ];
        },
      };
      const withModel = new RecommendationPipeline(shop.data, {
        generators: [model],
        strategies: {
          model: { generators: ['model'], scorer: 'linear_blend', weights: { model: 1 }, diversify: false, explore: false },
        },
      });
      const request = { profile: shop.profile('alice'), context: { kind: 'home' as const }, limit: 3, now: NOW };
      const result = await withModel.recommend({ ...request, strategy: 'model' });
      expect(result.strategy).toBe('model');
      expect(result.modelVersion).toBe('m-8');
      expect(result.items.length).toBeGreaterThanOrEqual(2);
      // The model's order, nothing else mixed in (alice's personalised list holds other items).
      expect(ids(result)).toEqual(['hike-3', 'run-1', 'shirt-2'].filter((id) => result.items.some((i) => i.itemId === id)));
      expect(result.items.every((item) => item.sources.join() === 'model')).toBe(true);
      expect(result.items.every((item) => Object.keys(item.contributions).join() === 'model')).toBe(true);
      expect((await withModel.recommend(request)).strategy).toBe('personalized');

      await expect(pipeline.recommend({ ...request, strategy: 'model' })).rejects.toThrow(
        expect.objectContaining({ field: 'strategy', message: expect.stringMatching(/no model is serving/) }),
      );
    });

    it('refuses a plan or request naming something not registered', async () => {
      expect(
        () =>
          new RecommendationPipeline(shop.data, {
            strategies: { personalized: { scorer: 'nope' } },
          }),
      ).toThrow("unknown scorer 'nope'");
      await expect(
        pipeline.recommend({ context: { kind: 'home' }, limit: 5, now: NOW, generators: ['nope'] }),
      ).rejects.toThrow(InvalidRecommendationRequestError);
    });
  });

  describe('pipeline options', () => {
    it.each([
      [{ maxLimit: 0 }, 'maxLimit'],
      [{ defaults: { diversity: 2 } }, 'defaults.diversity'],
      [{ generatorSettings: { sourceHalfLifeMs: 0 } }, 'generatorSettings.sourceHalfLifeMs'],
      [
        { strategies: { personalized: { weights: { popularity: -1 } } } },
        'strategies.personalized.weights.popularity',
      ],
      [{ strategies: { cold_start: { generators: [] } } }, 'strategies.cold_start.generators'],
    ])('refuses %j at construction, naming %s', (options, name) => {
      expect(() => new RecommendationPipeline(shop.data, options)).toThrow(
        `recommendation pipeline option ${name} must be`,
      );
    });
  });

  describe('request validation', () => {
    it.each([
      [{ limit: 0 }, 'limit'],
      [{ limit: 1.5 }, 'limit'],
      [{ limit: 101 }, 'limit'],
      [{ diversity: 1.2 }, 'diversity'],
      [{ explorationShare: -0.1 }, 'explorationShare'],
      [{ now: Number.NaN }, 'now'],
      [{ context: { kind: 'product', itemId: '' } }, 'context.itemId'],
      [{ context: { kind: 'checkout' } }, 'context.kind'],
      [{ promotion: { share: 0.5, filter: {} } }, 'promotion.filter'],
      [{ promotion: { share: 2, filter: { brands: ['Trek'] } } }, 'promotion.share'],
      [{ rules: { minPrice: 50, maxPrice: 10 } }, 'rules.maxPrice'],
      [{ weights: { coOcurrence: 1 } }, 'weights.coOcurrence'],
      [{ weights: { popularity: -1 } }, 'weights.popularity'],
      [{ strategy: 'random' }, 'strategy'],
    ])('refuses %j, naming %s', async (overrides, field) => {
      const request = {
        context: { kind: 'home' },
        limit: 5,
        now: NOW,
        ...overrides,
      } as RecommendationRequest;
      await expect(pipeline.recommend(request)).rejects.toMatchObject({
        name: 'InvalidRecommendationRequestError',
        field,
      });
    });

    it('refuses weights that leave nothing to score by', async () => {
      const zero = Object.fromEntries(
        [
          'coOccurrence',
          'categoryAffinity',
          'brandAffinity',
          'priceAffinity',
          'popularity',
          'trending',
          'freshness',
          'contextMatch',
        ].map((name) => [name, 0]),
      );
      await expect(
        pipeline.recommend({ context: { kind: 'home' }, limit: 5, now: NOW, weights: zero }),
      ).rejects.toMatchObject({ field: 'weights' });
    });
  });
});
