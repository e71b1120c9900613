import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ItemContent } from '@pulse/ml/datasets/item-features';
import { initTf } from '@pulse/ml/runtime/tf-runtime';
import { SqliteEventStore } from '@pulse/platform/event-store/sqlite-event-store.adapter';
import type { ResolvedContext } from '@pulse/recommendations/pipeline/candidates/candidate-generator';
import type { ShopperInterest } from '@pulse/recommendations/pipeline/profile/shopper-interest';
import type { FeaturedCandidate } from '@pulse/recommendations/pipeline/scoring/scorer';
import { InMemoryRecommendationData } from '@pulse/recommendations/pipeline/testing/in-memory-recommendation-data';
import type { ArtifactFiles } from '../registry/model-artifact-store.port';
import { FileModelArtifactStore } from '../registry/file-model-artifact-store.adapter';
import {
  CATEGORIES,
  catalogDocument,
  itemIdOf,
  PER_CATEGORY,
  writeCategorisedShop,
} from '../training/categorised-shop.fixture';
import { trainModelVersion } from '../training/train-model-version';
import { SMALL_TWO_TOWER } from '../training/two-tower-training.fixture';
import { itemContentOf } from '../training-data/catalog-content';
import { MODEL_SIGNAL, modelBlendScorer, modelCandidateGenerator } from './model-recommendations';
import { ServableModel } from './servable-model';

jest.setTimeout(120_000);

/**
 * A served two-tower scores items listed after its training from their
 * content. The shop (categorised-shop.fixture.ts) has one brand, price level
 * and title word per category, so "matches the history" is unambiguous.
 */
const NEW_VARIANT = 20; // variants >= PER_CATEGORY were never listed before training
const newId = (category: number, tag = 'new') => `${tag}-c${category}`;
const newContent = (category: number): ItemContent => itemContentOf(catalogDocument(category, NEW_VARIANT + category));
/** Four consecutive trained items of a category (the fixture's shoppers browse in that order), oldest first. */
const historyIn = (category: number, start = 0) => [0, 1, 2, 3].map((k) => itemIdOf(category, (start + k) % PER_CATEGORY));
const argmax = (values: readonly (number | undefined)[]) => values.indexOf(Math.max(...values.map((v) => v ?? -Infinity)));

/** The parts of the pipeline's ShopperInterest the model generator and scorer read. */
function interestAfter(history: readonly string[]): ShopperInterest {
  return {
    recentItemInteractions: [...history].reverse().map((itemId) => ({ itemId, type: 'view' })),
    purchased: new Set<string>(),
    cart: new Set<string>(),
  } as unknown as ShopperInterest;
}

const homeContext: ResolvedContext = { kind: 'home', product: null, cartItemIds: [], cartItems: [] };

describe('ServableModel of a two-tower trained on the log: new items by content', () => {
  let dir: string;
  let files: ArtifactFiles;
  let sequenceFiles: ArtifactFiles;

  beforeAll(async () => {
    await initTf({ log: () => undefined });
    dir = mkdtempSync(join(tmpdir(), 'pulse-serving-two-tower-'));
    const store = new SqliteEventStore(join(dir, 'events.db'));
    const artifacts = new FileModelArtifactStore(join(dir, 'models'));
    try {
      const head = await writeCategorisedShop(store);
      const job = { model: 'shop', untilPosition: head.toString(), seed: 3 };
      await trainModelVersion(store, artifacts, { ...job, version: 1, kind: 'two-tower', params: SMALL_TWO_TOWER });
      await trainModelVersion(store, artifacts, { ...job, version: 2, kind: 'markov', params: {} });
      files = await artifacts.get({ model: 'shop', version: 1 });
      sequenceFiles = await artifacts.get({ model: 'shop', version: 2 });
    } finally {
      await store.close();
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a new item no score until its content is known, then a defined one; content matching the history scores higher than unrelated content', async () => {
    const model = await ServableModel.fromFiles(files);
    try {
      const ids = Array.from({ length: CATEGORIES }, (_, c) => newId(c));
      expect(model.scoreItems(historyIn(0), ids)).toEqual(ids.map(() => undefined));
      expect(model.addItems(ids.map((id, c) => [id, newContent(c)] as const))).toBe(CATEGORIES);
      // Known content again: nothing to embed.
      expect(model.addItems(ids.map((id, c) => [id, newContent(c)] as const))).toBe(0);
      let wins = 0;
      let pairs = 0;
      let firsts = 0;
      for (let c = 0; c < CATEGORIES; c++) {
        let matching = 0;
        let unrelated = 0;
        for (let start = 0; start < PER_CATEGORY; start++) {
          const scores = model.scoreItems(historyIn(c, start), ids) as number[];
          expect(scores.every((s) => Number.isFinite(s))).toBe(true);
          if (argmax(scores) === c) firsts++;
          for (let o = 0; o < CATEGORIES; o++) {
            if (o === c) continue;
            pairs++;
            if (scores[c]! > scores[o]!) wins++;
            unrelated += scores[o]! / (CATEGORIES - 1);
          }
          matching += scores[c]!;
        }
        // Averaged over the category's histories, its own new item is ahead of the others for EVERY category.
        expect(matching / PER_CATEGORY).toBeGreaterThan(unrelated / PER_CATEGORY + 1);
      }
      // Chance would be 1/2 of the pairs and 1/6 of the firsts.
      expect(wins / pairs).toBeGreaterThan(0.75);
      expect(firsts).toBeGreaterThanOrEqual(CATEGORIES * PER_CATEGORY * 0.5);
    } finally {
      model.dispose();
    }
  });

  it('retrieves new items beside trained ones with the same scores, and reads a new item in the history by its content', async () => {
    const model = await ServableModel.fromFiles(files);
    try {
      const ids = Array.from({ length: CATEGORIES }, (_, c) => newId(c));
      model.addItems(ids.map((id, c) => [id, newContent(c)] as const));
      const trained = new Set(model.metadata.items);
      const history = historyIn(1);
      // Everything ranked: the new items are in the answer, with the scores scoreItems gives them.
      const all = model.recommend(history, 100);
      expect(all).toHaveLength(model.numItems - history.length + CATEGORIES);
      const scores = model.scoreItems(history, ids);
      for (const [k, id] of ids.entries()) {
        expect(all.find((r) => r.itemId === id)?.score).toBeCloseTo(scores[k]!, 5);
      }
      expect(model.recommend(history, 3, trained).map((r) => r.itemId)).toEqual(
        [...ids].sort((a, b) => scores[ids.indexOf(b)]! - scores[ids.indexOf(a)]!).slice(0, 3),
      );
      // A history of nothing but a new item: the shopper is placed by its content, mostly among its category.
      let sameCategory = 0;
      for (let c = 0; c < CATEGORIES; c++) {
        const fromNew = model.recommend([newId(c)], PER_CATEGORY, new Set());
        expect(fromNew).toHaveLength(PER_CATEGORY);
        expect(fromNew.map((r) => r.itemId)).not.toContain(newId(c));
        sameCategory += fromNew.filter((r) => r.itemId.startsWith(`c${c}-`) || r.itemId === newId(c)).length;
      }
      expect(sameCategory).toBeGreaterThanOrEqual((CATEGORIES * PER_CATEGORY) / 3); // chance: about 1/6
    } finally {
      model.dispose();
    }
  });

  it('in the pipeline: the model generator retrieves a new listing from the catalog, and model_blend scores new candidates from their documents', async () => {
    const model = await ServableModel.fromFiles(files);
    try {
      const data = new InMemoryRecommendationData({
        catalog: Array.from({ length: CATEGORIES }, (_, c) => catalogDocument(c, NEW_VARIANT + c, newId(c, 'listed'))),
      });
      const generator = modelCandidateGenerator(model);
      const category = 2;
      const history = historyIn(category);
      const generated = await generator.generate({
        data,
        now: Date.now(),
        context: homeContext,
        interest: interestAfter(history),
        budget: PER_CATEGORY,
        settings: {} as never,
      });
      expect(generated.map((g) => g.itemId)).toContain(newId(category, 'listed'));

      // Candidates the model has not seen at all (not even through the generator): content comes with them.
      const candidates = Array.from({ length: CATEGORIES }, (_, c) => {
        const item = catalogDocument(c, NEW_VARIANT + c, newId(c, 'candidate'));
        return { itemId: item.itemId, item, statistics: undefined, evidence: [], sources: [], signals: {}, facts: { priceBand: '', popularity: 0, trending: 0 } } satisfies FeaturedCandidate;
      });
      const scored = await modelBlendScorer(model).score({
        candidates,
        weights: { [MODEL_SIGNAL]: 1 },
        now: Date.now(),
        interest: interestAfter(history),
      });
      const model01 = scored.map((s) => s.contributions[MODEL_SIGNAL]!);
      expect(argmax(model01)).toBe(category);
      expect(model01[category]).toBe(1);
      expect(new Set(model01).size).toBe(CATEGORIES); // every candidate got its own score, none the "unknown" 0 tie
    } finally {
      model.dispose();
    }
  });

  it('leaves sequence models as they were: no content, new items unscored', async () => {
    const model = await ServableModel.fromFiles(sequenceFiles);
    try {
      expect(model.embedsContent).toBe(false);
      expect(model.addItems([[newId(0), newContent(0)]])).toBe(0);
      const scores = model.scoreItems(historyIn(0), [newId(0), itemIdOf(0, 4)]);
      expect(scores[0]).toBeUndefined();
      expect(scores[1]).toEqual(expect.any(Number));
      const top = model.recommend(historyIn(0), 5);
      expect(top.map((r) => r.itemId)).not.toContain(newId(0));
      // Retrieval is still the best of scoreItems over the trained items not in the history.
      const rest = model.metadata.items.filter((id) => !historyIn(0).includes(id));
      const all = model.scoreItems(historyIn(0), rest) as number[];
      expect(top.map((r) => r.score)).toEqual([...all].sort((a, b) => b - a).slice(0, 5));
    } finally {
      model.dispose();
    }
  });
});
