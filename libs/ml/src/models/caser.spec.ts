import * as tf from '@tensorflow/tfjs';
import { sequencesFromArrays, Sequences } from '../datasets/sequence-dataset';
import { PopularityRecommender } from '../baselines/popularity.recommender';
import { scoreSplit } from '../evaluation/harness';
import type { EvaluationSplit } from '../evaluation/protocols';
import type { TrainingData } from '../evaluation/recommender';
import { initTf } from '../runtime/tf-runtime';
import { SeededRandom } from '../util/random';
import { buildCaser } from './caser.model';
import { caserParams, CaserRecommender } from './caser.recommender';
import { DEEP_MODEL_SPECS, findDeepModelSpec } from './index';

jest.setTimeout(60000);

const NUM_ITEMS = 24;
/** A fixed random permutation: item i is always followed by NEXT[i]. */
const NEXT = (() => {
  const p = Array.from({ length: NUM_ITEMS }, (_, i) => i);
  new SeededRandom(7).shuffle(p);
  const next = new Array<number>(NUM_ITEMS);
  for (let i = 0; i < NUM_ITEMS; i++) next[p[i]] = p[(i + 1) % NUM_ITEMS];
  return next;
})();

function chainSequences(count: number, seed: number): number[][] {
  const rng = new SeededRandom(seed);
  const out: number[][] = [];
  for (let s = 0; s < count; s++) {
    const seq = [rng.nextInt(NUM_ITEMS)];
    const length = 4 + rng.nextInt(7);
    while (seq.length < length) seq.push(NEXT[seq[seq.length - 1]]);
    out.push(seq);
  }
  return out;
}

/**
 * "a h a h a ...": a random item a alternating with one of 3 hub items h.
 * After h the next item is a, two steps back: a first-order (Markov) model
 * cannot know it, a window of L >= 2 can.
 */
function alternatingSequences(count: number, seed: number): number[][] {
  const rng = new SeededRandom(seed);
  const out: number[][] = [];
  for (let s = 0; s < count; s++) {
    const a = 3 + rng.nextInt(NUM_ITEMS - 3);
    const h = rng.nextInt(3);
    const length = 4 + rng.nextInt(5);
    out.push(Array.from({ length }, (_, i) => (i % 2 === 0 ? a : h)));
  }
  return out;
}

const data = (sequences: number[][]): TrainingData => ({
  numItems: NUM_ITEMS,
  sequences: sequencesFromArrays(sequences),
  kind: 'users',
});

/** Next-item cases: history = all but the last item, nothing masked. */
function nextItemSplit(train: TrainingData, seqs: number[][]): EvaluationSplit {
  const histories: Sequences = sequencesFromArrays(seqs.map((s) => s.slice(0, -1)));
  return {
    protocol: 'session-prefix',
    phase: 'test',
    numItems: NUM_ITEMS,
    train,
    trainKey: 'synthetic',
    cases: { histories, targets: Int32Array.from(seqs.map((s) => s[s.length - 1])) },
  };
}

const small = {
  hiddenSize: 16,
  windowLength: 3,
  numHorizontal: 4,
  numVertical: 2,
  dropout: 0.1,
  maxLen: 8,
  batchSize: 64,
  learningRate: 0.02,
  patience: 0,
  validationSequences: 0,
  progress: 'none' as const,
  seed: 5,
};

beforeAll(async () => {
  await initTf({ log: () => undefined });
});

describe('CaserEncoder', () => {
  const tiny = {
    numItems: 10,
    embeddingSize: 8,
    windowLength: 3,
    numHorizontal: 2,
    numVertical: 2,
    dropout: 0,
    maxLen: 8,
    seed: 1,
  };

  it('position t depends only on items t-L+1..t (causal window) and padding is inert', () => {
    const { model, encoder } = buildCaser(tiny);
    const run = (ids: number[][]) =>
      tf.tidy(() =>
        (encoder.apply(tf.tensor2d(ids, undefined, 'int32')) as tf.Tensor).arraySync(),
      ) as number[][][];
    const base = run([[1, 2, 3, 4, 5, 6]])[0];
    // Change the first item: positions 0..2 see it, 3.. do not.
    const changed = run([[9, 2, 3, 4, 5, 6]])[0];
    for (let t = 0; t < 6; t++) {
      const same = base[t].every((x, i) => Math.abs(x - changed[t][i]) < 1e-6);
      expect({ t, same }).toEqual({ t, same: t >= 3 });
    }
    // Left padding gives the same last state as the unpadded window.
    const padded = run([[0, 0, 4, 5, 6]])[0];
    const alone = run([[4, 5, 6]])[0];
    padded[4].forEach((x, i) => expect(x).toBeCloseTo(alone[2][i], 5));
    // The last coordinate is the constant that picks up the output bias.
    expect(base.every((row) => row[encoder.hiddenSize - 1] === 1)).toBe(true);
    model.dispose();
  });

  it('embeddingDropout drops input embeddings in training only, and survives a config round trip', () => {
    const { model, encoder } = buildCaser({ ...tiny, inputSkip: true, embeddingDropout: 0.5 });
    const run = (training: boolean) =>
      tf.tidy(() =>
        (
          encoder.apply(tf.tensor2d([[1, 2, 3, 4]], undefined, 'int32'), { training }) as tf.Tensor
        ).arraySync(),
      );
    expect(run(false)).toEqual(run(false));
    expect(run(true)).not.toEqual(run(false));
    expect(run(true)).not.toEqual(run(true)); // a fresh mask per call
    expect(encoder.getConfig().embeddingDropout).toBe(0.5);
    model.dispose();
    expect(() => caserParams({ embeddingDropout: 1 })).toThrow(
      'caser.embeddingDropout: must be in [0, 1), got 1',
    );
  });

  it('rejects bad parameters naming the field', () => {
    expect(() => caserParams({ windowLength: 0 })).toThrow(/caser\.windowLength/);
    expect(() => caserParams({ numHorizontal: 0, numVertical: 0 })).toThrow(/numHorizontal/);
    expect(() => caserParams({ kernel: 3 })).toThrow(/caser\.kernel: unknown/);
    expect(() => caserParams({ dropout: '0.5' })).toThrow(/caser\.dropout: must be a number/);
  });
});

describe('CaserRecommender', () => {
  const train = data(chainSequences(400, 1));
  let trained: CaserRecommender;

  it('is registered as a deep ModelSpec', () => {
    const spec = findDeepModelSpec('caser')!;
    expect(DEEP_MODEL_SPECS).toContain(spec);
    const params = spec.defaults({
      protocol: 'session-prefix',
      kind: 'sessions',
      numItems: 43000,
      hasTimes: true,
      timeSpan: 1,
      averageSequenceLength: 5,
    });
    expect(params.negatives).toBe(1024);
    expect(spec.create({ ...params, ...small }).name).toBe('caser');
  });

  it('trains: the loss falls and it learns a deterministic chain far better than popularity', async () => {
    trained = new CaserRecommender({ ...small, epochs: 12 });
    await trained.fit(train, { seed: 5 });
    const epochs = trained.report!.epochs;
    expect(epochs[epochs.length - 1].loss).toBeLessThan(0.5 * epochs[0].loss);
    const split = nextItemSplit(train, chainSequences(60, 99));
    const caser = scoreSplit(trained, split, { ks: [1, 5] }).metrics;
    const popularity = new PopularityRecommender();
    popularity.fit(train);
    const pop = scoreSplit(popularity, split, { ks: [1, 5] }).metrics;
    expect(caser.hr[1]).toBeGreaterThan(0.9);
    expect(pop.hr[5]).toBeLessThan(0.5);
  });

  it('uses the window, not only the last item: predicts the item two steps back', async () => {
    const alt = data(alternatingSequences(400, 3));
    // Odd lengths end on a: each case's history ends on a hub item, its target is a.
    const cases = alternatingSequences(80, 42).map((s) =>
      s.length % 2 === 1 ? s : s.slice(0, -1),
    );
    const hr1 = async (windowLength: number) => {
      const model = new CaserRecommender({ ...small, windowLength, epochs: 15, dropout: 0 });
      await model.fit(alt, { seed: 5 });
      const hr = scoreSplit(model, nextItemSplit(alt, cases), { ks: [1] }).metrics.hr[1];
      model.dispose();
      return hr;
    };
    // L = 1 sees only the hub: a is then one of 21 items (chance ~0.05).
    expect(await hr1(1)).toBeLessThan(0.3);
    expect(await hr1(3)).toBeGreaterThan(0.8);
  });

  it('longTerm reads beyond the window: with L = 1 it recalls the item four steps back, and round-trips', async () => {
    // "a h h h a": a random item a, three hub items, then a again.
    const recall = (count: number, seed: number) => {
      const rng = new SeededRandom(seed);
      return Array.from({ length: count }, () => {
        const a = 3 + rng.nextInt(NUM_ITEMS - 3);
        return [a, rng.nextInt(3), rng.nextInt(3), rng.nextInt(3), a];
      });
    };
    const train = data(recall(600, 4));
    const cases = recall(80, 43);
    const fit = async (longTerm: boolean) => {
      const model = new CaserRecommender({
        ...small,
        windowLength: 1,
        epochs: 20,
        dropout: 0,
        longTerm,
      });
      await model.fit(train, { seed: 5 });
      return model;
    };
    const plain = await fit(false);
    const longTerm = await fit(true);
    const hr1 = (m: CaserRecommender) =>
      scoreSplit(m, nextItemSplit(train, cases), { ks: [1] }).metrics.hr[1];
    // Without it the model sees one hub item: a is one of 21 items.
    expect(hr1(plain)).toBeLessThan(0.3);
    expect(hr1(longTerm)).toBeGreaterThan(0.6);
    const loaded = await CaserRecommender.load(await longTerm.save());
    const a = new Float32Array(NUM_ITEMS);
    const b = new Float32Array(NUM_ITEMS);
    longTerm.scoreAll(Int32Array.from([9, 1, 2, 0]), a);
    loaded.scoreAll(Int32Array.from([9, 1, 2, 0]), b);
    expect(Array.from(b)).toEqual(Array.from(a));
    for (const m of [plain, longTerm, loaded]) m.dispose();
  });

  it('inputSkip adds the latest item to z: learns the chain, changes the scores, round-trips', async () => {
    const skip = new CaserRecommender({ ...small, epochs: 15, inputSkip: true, tiedOutput: true });
    await skip.fit(train, { seed: 5 });
    const split = nextItemSplit(train, chainSequences(60, 99));
    expect(scoreSplit(skip, split, { ks: [1] }).metrics.hr[1]).toBeGreaterThan(0.9);
    const plain = new CaserRecommender({ ...small, epochs: 15, tiedOutput: true });
    await plain.fit(train, { seed: 5 });
    const history = Int32Array.from([7, 8]);
    const [a, b, c] = [0, 1, 2].map(() => new Float32Array(NUM_ITEMS));
    skip.scoreAll(history, a);
    plain.scoreAll(history, c);
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const loaded = await CaserRecommender.load(await skip.save());
    loaded.scoreAll(history, b);
    expect(Array.from(b)).toEqual(Array.from(a));
    for (const m of [skip, plain, loaded]) m.dispose();
  });

  it('is repeatable: same seed, same scores; another seed, other scores', async () => {
    const scores = async (seed: number) => {
      const model = new CaserRecommender({ ...small, epochs: 3, seed });
      await model.fit(train);
      const out = new Float32Array(NUM_ITEMS);
      model.scoreAll(Int32Array.from([3, 4, 5]), out);
      model.dispose();
      return Array.from(out);
    };
    const first = await scores(5);
    expect(await scores(5)).toEqual(first);
    expect(await scores(6)).not.toEqual(first);
  });

  it('scoreBatch equals scoreAll row by row, including an empty history', () => {
    const histories = [
      Int32Array.from([1, 2, 3, 4, 5, 6]),
      Int32Array.from([5]),
      Int32Array.from([]),
    ];
    const batch = new Float32Array(NUM_ITEMS * histories.length);
    trained.scoreBatch(histories, batch);
    const one = new Float32Array(NUM_ITEMS);
    histories.forEach((h, r) => {
      trained.scoreAll(h, one);
      for (let i = 0; i < NUM_ITEMS; i++) expect(batch[r * NUM_ITEMS + i]).toBeCloseTo(one[i], 4);
    });
  });

  it('saves and loads with identical scores, and a loaded model trains further', async () => {
    const artifacts = await trained.save();
    const loaded = await CaserRecommender.load(artifacts);
    expect(loaded.epochsTrained).toBe(trained.epochsTrained);
    expect(loaded.params).toEqual(trained.params);
    const history = Int32Array.from([3, 4, 5, 6]);
    const a = new Float32Array(NUM_ITEMS);
    const b = new Float32Array(NUM_ITEMS);
    trained.scoreAll(history, a);
    loaded.scoreAll(history, b);
    expect(Array.from(b)).toEqual(Array.from(a));

    const more = await CaserRecommender.load(artifacts, { epochs: 2 });
    await more.fit(data(chainSequences(200, 2)), { seed: 6 });
    expect(more.epochsTrained).toBe(trained.epochsTrained + 2);
    // It starts from the trained weights: its first epoch's loss is already low.
    expect(more.report!.epochs[0].loss).toBeLessThan(trained.report!.epochs[0].loss * 0.5);
    await expect(CaserRecommender.load({ ...artifacts, userDefinedMetadata: {} })).rejects.toThrow(
      /pulse-caser-recommender/,
    );
    loaded.dispose();
    more.dispose();
    trained.dispose();
  });

  it('tiedOutput scores with the input embeddings: learns the chain and round-trips', async () => {
    const model = new CaserRecommender({ ...small, epochs: 15, tiedOutput: true });
    await model.fit(train, { seed: 5 });
    const split = nextItemSplit(train, chainSequences(60, 99));
    expect(scoreSplit(model, split, { ks: [1] }).metrics.hr[1]).toBeGreaterThan(0.9);
    const artifacts = await model.save();
    expect(artifacts.weightSpecs.map((w) => w.name).join(' ')).not.toContain('output_table');
    const loaded = await CaserRecommender.load(artifacts);
    const history = Int32Array.from([7, 8]);
    const a = new Float32Array(NUM_ITEMS);
    const b = new Float32Array(NUM_ITEMS);
    model.scoreAll(history, a);
    loaded.scoreAll(history, b);
    expect(Array.from(b)).toEqual(Array.from(a));
    model.dispose();
    loaded.dispose();
  });

  it('early-stops on the holdout carved from training data with a sampled softmax', async () => {
    const model = new CaserRecommender({
      ...small,
      epochs: 10,
      patience: 2,
      evalEvery: 1,
      validationSequences: 50,
      negatives: 8,
    });
    await model.fit(train, { seed: 5 });
    const r = model.report!;
    expect(r.epochs.every((e) => e.validation !== undefined)).toBe(true);
    expect(r.bestValidation).toBe(Math.max(...r.epochs.map((e) => e.validation!)));
    expect(r.bestValidation).toBeGreaterThan(0.5);
    expect(model.notes.join(' ')).toContain('sampled softmax');
    model.dispose();
  });
});

afterAll(() => {
  expect(tf.memory().numTensors).toBeLessThan(1000);
});
