import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PopularityRecommender } from '../../baselines/popularity.recommender';
import { ItemContent, ItemFeatureTable, priceBandOf } from '../../datasets/item-features';
import { sequencesFromArrays } from '../../datasets/sequence-dataset';
import { scoreSplit } from '../../evaluation/harness';
import type { EvaluationSplit } from '../../evaluation/protocols';
import type { TrainingData } from '../../evaluation/recommender';
import { readModelArtifacts, writeModelArtifacts } from '../../runtime/model-artifacts';
import { initTf } from '../../runtime/tf-runtime';
import { SeededRandom } from '../../util/random';
import { findDeepModelSpec } from '../index';
import {
  ContentVocabulary,
  DEFAULT_LAYOUT,
  encodeInterest,
  encodeItemContent,
} from './two-tower.features';
import { TwoTowerRecommender } from './two-tower.recommender';
import type { TwoTowerTrainerState } from './two-tower.trainer';

jest.setTimeout(120000);

/**
 * A small shop: CATEGORIES categories of PER_CATEGORY items; each category
 * has its own sub-categories, brand, price level and title words. A shopper
 * likes one category and browses it in a fixed order (item k -> k + 1) with
 * some noise, so both content (which category) and ids (which next) matter.
 */
const CATEGORIES = 8;
const PER_CATEGORY = 10;
const NUM_ITEMS = CATEGORIES * PER_CATEGORY;
const PRICES = [3, 7, 15, 30, 70, 150, 300, 700];

function contentFor(category: number, variant: number): ItemContent {
  return {
    categoryPath: [`Dept${category % 2}`, `Cat${category}`, `Sub${category}-${variant % 2}`],
    brand: `Brand${category}`,
    price: PRICES[category] * (1 + 0.2 * (variant % 3)),
    titleTokens: [`word${category}`, `kind${category}-${variant % 3}`, 'item', `x${variant}`],
  };
}

const features: ItemFeatureTable = {
  items: Array.from({ length: NUM_ITEMS }, (_, i) =>
    contentFor(Math.floor(i / PER_CATEGORY), i % PER_CATEGORY),
  ),
};

function shopperSequences(count: number, seed: number): number[][] {
  const rng = new SeededRandom(seed);
  const out: number[][] = [];
  for (let s = 0; s < count; s++) {
    const category = rng.nextInt(CATEGORIES);
    const length = 4 + rng.nextInt(6);
    let k = rng.nextInt(PER_CATEGORY);
    const seq: number[] = [];
    while (seq.length < length) {
      seq.push(
        rng.next() < 0.15 ? rng.nextInt(NUM_ITEMS) : category * PER_CATEGORY + (k % PER_CATEGORY),
      );
      k++;
    }
    out.push(seq);
  }
  return out;
}

function split(train: TrainingData, seed: number): EvaluationSplit {
  const seqs = shopperSequences(200, seed);
  return {
    protocol: 'session-prefix',
    phase: 'test',
    numItems: NUM_ITEMS,
    train,
    trainKey: 'synthetic',
    cases: {
      histories: sequencesFromArrays(seqs.map((s) => s.slice(0, -1))),
      targets: Int32Array.from(seqs.map((s) => s[s.length - 1])),
    },
  };
}

const small = {
  embeddingSize: 16,
  hiddenSize: 32,
  outputSize: 16,
  maxLen: 8,
  batchSize: 128,
  learningRate: 0.01,
  epochs: 12,
  idDropout: 0.5,
  historyDropout: 0.3,
  patience: 0,
  validationSequences: 0,
  progress: 'none' as const,
  seed: 3,
};

const sequences = sequencesFromArrays(shopperSequences(500, 1));
const withContent: TrainingData = {
  numItems: NUM_ITEMS,
  sequences,
  kind: 'users',
  itemFeatures: features,
};

beforeAll(async () => {
  await initTf({ log: () => undefined });
});

describe('two-tower features', () => {
  it('encodes every category level, brand, price band and known title tokens; interest by profile keys', () => {
    const vocab = ContentVocabulary.build(features, { minTokenCount: 2, maxTitleVocabulary: 100 });
    // 'x<variant>' tokens occur on 8 items each, 'item' on all: both kept; nothing else is made up.
    expect(vocab.id('c:Dept0>Cat2>Sub2-1')).toBeGreaterThan(0);
    expect(vocab.id('p:10-20')).toBeGreaterThan(0);
    expect(vocab.id('t:unknown')).toBe(0);
    const out = new Int32Array(40).fill(-1);
    encodeItemContent(
      {
        categoryPath: ['Dept0', 'Cat2'],
        brand: 'Brand2',
        price: 12,
        titleTokens: ['WORD2', 'nope'],
      },
      vocab,
      DEFAULT_LAYOUT,
      out,
      1,
    );
    expect(out[0]).toBe(-1); // before the offset: untouched
    expect(Array.from(out.subarray(1, 6))).toEqual([
      vocab.id('c:Dept0'),
      vocab.id('c:Dept0>Cat2'),
      0,
      0,
      0,
    ]);
    expect(out[6]).toBe(vocab.id('b:Brand2'));
    expect(out[7]).toBe(vocab.id('p:10-20'));
    expect(Array.from(out.subarray(8, 10))).toEqual([vocab.id('t:word2'), 0]);
    const interest = new Int32Array(11);
    encodeInterest(
      { categories: ['Dept1>Cat3'], brands: ['Brand3', 'Nobody'], priceBands: ['EUR:20-50'] },
      vocab,
      DEFAULT_LAYOUT,
      interest,
      0,
    );
    expect(interest[0]).toBe(vocab.id('c:Dept1>Cat3'));
    expect(interest[6]).toBe(vocab.id('b:Brand3'));
    expect(interest[7]).toBe(0);
    expect(interest[9]).toBe(vocab.id('p:20-50'));
  });

  it('rejects bad parameters and feature tables, naming the field', async () => {
    expect(() => new TwoTowerRecommender({ hiddenSize: 0 })).toThrow(/hiddenSize/);
    expect(() => new TwoTowerRecommender({ nope: 1 } as never)).toThrow(/nope/);
    const bad = new TwoTowerRecommender(small);
    await expect(
      bad.fit({ ...withContent, itemFeatures: { items: features.items.slice(1) } }),
    ).rejects.toThrow(/itemFeatures.items/);
  });
});

describe('two-tower with content', () => {
  let model: TwoTowerRecommender;

  beforeAll(async () => {
    model = new TwoTowerRecommender(small);
    await model.fit(withContent);
  });
  afterAll(() => model.dispose());

  it('is registered for the evaluate command', () => {
    expect(findDeepModelSpec('two-tower')?.create({ ...small }).name).toBe('two-tower');
  });

  it('trains: loss falls, and it beats popularity by far', () => {
    const epochs = model.report!.epochs;
    expect(epochs[epochs.length - 1].loss).toBeLessThan(0.75 * epochs[0].loss);
    const popularity = new PopularityRecommender();
    popularity.fit(withContent);
    const test = split(withContent, 77);
    const mine = scoreSplit(model, test, { ks: [10] }).metrics;
    const base = scoreSplit(popularity, test, { ks: [10] }).metrics;
    expect(mine.ndcg[10]).toBeGreaterThan(2 * base.ndcg[10]);
    expect(mine.hr[10]).toBeGreaterThan(0.5);
  });

  it('places NEW items by content: the one matching a shopper’s taste ranks first', () => {
    const newItems = Array.from({ length: CATEGORIES }, (_, c) => contentFor(c, 11 + c));
    let first = 0;
    for (let c = 0; c < CATEGORIES; c++) {
      const history = [0, 1, 2, 3].map((k) => c * PER_CATEGORY + k);
      const scores = model.scoreCandidates(history, newItems);
      const best = scores.indexOf(Math.max(...scores));
      if (best === c) first++;
    }
    expect(first).toBeGreaterThanOrEqual(CATEGORIES - 1);
    // The profile's interest state alone (every level of the path, as the
    // shopper profile keys it; no recent items) places them too.
    let firstByInterest = 0;
    for (let c = 0; c < CATEGORIES; c++) {
      const scores = model.scoreCandidates([], newItems, {
        categories: [`Dept${c % 2}`, `Dept${c % 2}>Cat${c}`, `Dept${c % 2}>Cat${c}>Sub${c}-0`],
        brands: [`Brand${c}`],
        priceBands: [`EUR:${priceBandOf(PRICES[c])}`],
      });
      if (scores.indexOf(Math.max(...scores)) === c) firstByInterest++;
    }
    expect(firstByInterest).toBeGreaterThanOrEqual(CATEGORIES - 1);
  });

  it('save/load round-trips through files; a loaded model scores the same and trains further', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'two-tower-'));
    try {
      await writeModelArtifacts(dir, await model.save());
      const loaded = await TwoTowerRecommender.load(await readModelArtifacts(dir), {
        epochs: 2,
      });
      const histories = [Int32Array.from([1, 2, 3]), Int32Array.from([40]), Int32Array.from([])];
      const a = new Float32Array(NUM_ITEMS * 3);
      const b = new Float32Array(NUM_ITEMS * 3);
      model.scoreBatch(histories, a);
      loaded.scoreBatch(histories, b);
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 4);
      const fresh = contentFor(3, 5);
      expect(Array.from(loaded.embedItems([fresh]))).toEqual(Array.from(model.embedItems([fresh])));
      expect(loaded.epochsTrained).toBe(small.epochs);
      await loaded.fit(withContent, { seed: 1 });
      expect(loaded.epochsTrained).toBe(small.epochs + 2);
      loaded.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('trainPairs trains a loaded copy further in small steps with one Adam state; the original is untouched', async () => {
    // A move the model never saw: an item -> the same variant in the next category.
    const histories = Array.from({ length: 64 }, (_, i) => Int32Array.from([(i * 7) % NUM_ITEMS]));
    const targets = Int32Array.from(histories, (h) => (h[0] + PER_CATEGORY) % NUM_ITEMS);
    const rank = (m: TwoTowerRecommender) => {
      const scores = new Float32Array(NUM_ITEMS * histories.length);
      m.scoreBatch(histories, scores);
      return (
        histories.reduce((sum, _, r) => {
          const row = scores.subarray(r * NUM_ITEMS, (r + 1) * NUM_ITEMS);
          return sum + row.filter((v) => v > row[targets[r]]).length;
        }, 0) / histories.length
      );
    };
    const rankBefore = rank(model);
    const artifacts = await model.save();
    // Full softmax (the params') and sampled with logQ (negatives override).
    for (const overrides of [{}, { negatives: 10 }]) {
      const copy = await TwoTowerRecommender.load(artifacts, overrides);
      const state: TwoTowerTrainerState = { epochsDone: 0 };
      const losses: number[] = [];
      for (let pass = 0; pass < 8; pass++) {
        const options = { seed: pass, learningRate: 0.01, batchSize: 16 };
        losses.push(await copy.trainPairs(histories, targets, options, state));
      }
      expect(state.optimizer).toBeDefined();
      state.optimizer!.dispose();
      expect(losses[losses.length - 1]).toBeLessThan(0.6 * losses[0]);
      expect(rank(copy)).toBeLessThan(rankBefore / 4);
      expect(copy.epochsTrained).toBe(small.epochs);
      // Still a content model: a new item is embedded from its content.
      expect(copy.embedItems([contentFor(2, 15)]).every(Number.isFinite)).toBe(true);
      copy.dispose();
    }
    expect(rank(model)).toBe(rankBefore);
    await expect(
      model.trainPairs(
        [Int32Array.from([1])],
        Int32Array.from([NUM_ITEMS]),
        { seed: 1 },
        { epochsDone: 0 },
      ),
    ).rejects.toThrow(/not a trained item/);
  });
});

describe('two-tower with ids only (the public datasets)', () => {
  it('trains with a sampled softmax and early stopping, and beats popularity', async () => {
    const idsOnly: TrainingData = { numItems: NUM_ITEMS, sequences, kind: 'users' };
    const model = new TwoTowerRecommender({
      ...small,
      epochs: 20,
      negatives: 20,
      patience: 2,
      validationSequences: 100,
    });
    await model.fit(idsOnly);
    expect(model.hasContent).toBe(false);
    expect(model.notes.join(' ')).toMatch(/no item content/);
    expect(model.report!.bestValidation).toBeGreaterThan(0);
    const popularity = new PopularityRecommender();
    popularity.fit(idsOnly);
    const test = split(idsOnly, 78);
    const mine = scoreSplit(model, test, { ks: [10] }).metrics;
    const base = scoreSplit(popularity, test, { ks: [10] }).metrics;
    expect(mine.ndcg[10]).toBeGreaterThan(2 * base.ndcg[10]);
    model.dispose();
  });

  it('cosine scores with attention pooling: unit item vectors, shopper vectors of length `scale`; trains and round-trips', async () => {
    const idsOnly: TrainingData = { numItems: NUM_ITEMS, sequences, kind: 'users' };
    const model = new TwoTowerRecommender({
      ...small,
      similarity: 'cosine',
      scale: 8,
      pooling: 'attention',
    });
    await model.fit(idsOnly);
    const norm = (v: Float32Array, from: number, to: number) =>
      Math.sqrt(v.subarray(from, to).reduce((s, x) => s + x * x, 0));
    const items = model.embedItems([0, 5, 79]);
    const d = items.length / 3;
    for (let r = 0; r < 3; r++) expect(norm(items, r * d, (r + 1) * d)).toBeCloseTo(1, 4);
    expect(norm(model.embedShopper([3, 4, 5]), 0, d)).toBeCloseTo(8, 3);

    const popularity = new PopularityRecommender();
    popularity.fit(idsOnly);
    const test = split(idsOnly, 79);
    const mine = scoreSplit(model, test, { ks: [10] }).metrics;
    expect(mine.ndcg[10]).toBeGreaterThan(
      2 * scoreSplit(popularity, test, { ks: [10] }).metrics.ndcg[10],
    );

    // The attention vector starts at zero; training moved it, and save/load keeps it.
    const artifacts = await model.save();
    const saved = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
    expect(tf.max(tf.abs(saved.attention_vector)).dataSync()[0]).toBeGreaterThan(1e-4);
    const loaded = await TwoTowerRecommender.load(artifacts);
    const histories = [Int32Array.from([1, 2, 3]), Int32Array.from([40, 7])];
    const a = new Float32Array(NUM_ITEMS * 2);
    const b = new Float32Array(NUM_ITEMS * 2);
    model.scoreBatch(histories, a);
    loaded.scoreBatch(histories, b);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 4);
    model.dispose();
    loaded.dispose();
  });

  it('trainFurther adds epochs on all the data without a holdout and says so', async () => {
    const idsOnly: TrainingData = { numItems: NUM_ITEMS, sequences, kind: 'users' };
    const model = new TwoTowerRecommender({
      ...small,
      epochs: 2,
      validationSequences: 50,
      patience: 1,
    });
    await expect(model.trainFurther(idsOnly, 1)).rejects.toThrow(/fit\(\) or load\(\)/);
    await model.fit(idsOnly);
    const before = new Float32Array(NUM_ITEMS);
    model.scoreAll(Int32Array.from([1, 2]), before);
    const trained = model.epochsTrained;
    await model.trainFurther(idsOnly, 2);
    expect(model.epochsTrained).toBe(trained + 2);
    expect(model.report!.sequencesPerEpoch).toBe(500); // every sequence: nothing carved out
    expect(model.report!.epochs.every((e) => e.validation === undefined)).toBe(true);
    expect(model.notes.join(' ')).toMatch(/then 2 more epoch\(s\) on all 500 training sequences/);
    const after = new Float32Array(NUM_ITEMS);
    model.scoreAll(Int32Array.from([1, 2]), after);
    expect(Array.from(after)).not.toEqual(Array.from(before));
    model.dispose();
  });

  it('a checkpoint brings back weights, optimizer and epoch count: training on from it repeats the step', async () => {
    const idsOnly: TrainingData = { numItems: NUM_ITEMS, sequences, kind: 'users' };
    // No dropout: its masks come from a seed stream that a checkpoint does not rewind.
    const model = new TwoTowerRecommender({ ...small, epochs: 2, dropout: 0 });
    await model.fit(idsOnly);
    const scores = () => {
      const out = new Float32Array(NUM_ITEMS);
      model.scoreAll(Int32Array.from([1, 2]), out);
      return Array.from(out);
    };
    const fitted = scores();
    const checkpoint = await model.checkpoint();
    await model.trainFurther(idsOnly, 1);
    const further = scores();
    expect(further).not.toEqual(fitted);
    expect(model.epochsTrained).toBe(3);

    await checkpoint.restore();
    expect(scores()).toEqual(fitted);
    expect(model.epochsTrained).toBe(2);
    expect(model.notes.join(' ')).not.toMatch(/more epoch/);
    await model.trainFurther(idsOnly, 1);
    // Same Adam moments and epoch shuffle: the same step, up to Adam's bias-correction
    // powers, which tfjs recomputes on restore (beta^(t+1)) rather than accumulates.
    const gap = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
    expect(gap(fitted, further)).toBeGreaterThan(0.5); // what one epoch moves (measured: ~3)
    expect(gap(scores(), further)).toBeLessThan(0.03); // what the restore leaves (measured: ~0.0075)
    checkpoint.dispose();
    model.dispose();
  });

  it('rejects an unknown similarity or pooling, naming the parameter', () => {
    expect(() => new TwoTowerRecommender({ similarity: 'l1' })).toThrow(/similarity/);
    expect(() => new TwoTowerRecommender({ pooling: 'max' })).toThrow(/pooling/);
    expect(() => new TwoTowerRecommender({ scale: 0 })).toThrow(/scale/);
  });
});
