import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PopularityRecommender } from '../baselines/popularity.recommender';
import { sequencesFromArrays } from '../datasets/sequence-dataset';
import { scoreSplit } from '../evaluation/harness';
import type { EvaluationSplit } from '../evaluation/protocols';
import type { TrainingData } from '../evaluation/recommender';
import { readModelArtifacts, writeModelArtifacts } from '../runtime/model-artifacts';
import { initTf } from '../runtime/tf-runtime';
import { SeededRandom } from '../util/random';
import { DEEP_MODEL_SPECS, findDeepModelSpec } from './index';
import { ArrayAdam } from './mult-vae.adam';
import { InteractionVectors } from './mult-vae.inputs';
import { multVaeParams } from './mult-vae.params';
import { MultVaeRecommender } from './mult-vae.recommender';

jest.setTimeout(60000);

/**
 * Co-occurrence data: 6 groups of 8 items; a shopper draws 3-7 items from one
 * group. Group sizes of shoppers differ (group 0 is most popular), so
 * popularity ranks group 0's items first for everyone, while the model must
 * recommend the shopper's own group.
 */
const GROUPS = 6;
const PER_GROUP = 8;
const NUM_ITEMS = GROUPS * PER_GROUP;

function groupSequences(count: number, seed: number): number[][] {
  const rng = new SeededRandom(seed);
  const out: number[][] = [];
  for (let s = 0; s < count; s++) {
    // Skewed group choice: group g with probability ∝ (GROUPS - g).
    let u = rng.nextInt((GROUPS * (GROUPS + 1)) / 2);
    let g = 0;
    while (u >= GROUPS - g) u -= GROUPS - g++;
    const items = Array.from({ length: PER_GROUP }, (_, i) => g * PER_GROUP + i);
    rng.shuffle(items);
    out.push(items.slice(0, 3 + rng.nextInt(5)));
  }
  return out;
}

function trainingData(sequences: number[][], kind: 'users' | 'sessions' = 'users'): TrainingData {
  return { numItems: NUM_ITEMS, sequences: sequencesFromArrays(sequences), kind };
}

/** Fresh shoppers: history = all but the last item, target = the last, history masked (loo-full). */
function groupSplit(train: TrainingData): EvaluationSplit {
  const seqs = groupSequences(200, 99);
  return {
    protocol: 'loo-full',
    phase: 'test',
    numItems: NUM_ITEMS,
    train,
    trainKey: 'synthetic',
    cases: {
      histories: sequencesFromArrays(seqs.map((s) => s.slice(0, -1))),
      targets: Int32Array.from(seqs.map((s) => s[s.length - 1])),
      masks: sequencesFromArrays(seqs.map((s) => s.slice(0, -1))),
    },
  };
}

const small = {
  hiddenSize: 32,
  latentSize: 8,
  batchSize: 50,
  learningRate: 0.01,
  annealEpochs: 5,
  patience: 0,
  validationSequences: 0,
  progress: 'none' as const,
  seed: 3,
};

beforeAll(async () => {
  await initTf({ log: () => undefined });
});

describe('Mult-VAE inputs and optimiser', () => {
  it('builds L2-normalised vectors, repeats once, recent items heavier with decay', () => {
    const binary = new InteractionVectors(10, 1).rows([Int32Array.from([1, 2, 1, 3])]);
    expect(Array.from(binary.items)).toEqual([3, 1, 2]);
    binary.weights.forEach((w) => expect(w).toBeCloseTo(1 / Math.sqrt(3), 6));
    const decayed = new InteractionVectors(10, 0.5).rows([Int32Array.from([4, 5, 6])]);
    const [w6, w5, w4] = Array.from(decayed.weights);
    expect(w6 / w5).toBeCloseTo(2, 5);
    expect(w5 / w4).toBeCloseTo(2, 5);
    expect(w6 * w6 + w5 * w5 + w4 * w4).toBeCloseTo(1, 5);
    expect(() => new InteractionVectors(10, 1).rows([Int32Array.from([10])])).toThrow(/item 10/);
  });

  it('lazy Adam leaves untouched rows and their moments alone', () => {
    const param = new Float32Array([1, 1, 1, 1, 1, 1]);
    const adam = new ArrayAdam(6);
    adam.rows(param, 2, Int32Array.from([1]), new Float32Array([1, -1]), 0.1, 1);
    // First Adam step moves each touched entry by lr against its gradient's sign.
    expect(Array.from(param)).toEqual([1, 1, expect.closeTo(0.9, 5), expect.closeTo(1.1, 5), 1, 1]);
  });

  it('rejects bad parameters by name', () => {
    expect(() => multVaeParams({ beta: -1 })).toThrow(/beta/);
    expect(() => multVaeParams({ dropout: 1 })).toThrow(/dropout/);
    expect(() => multVaeParams({ hiddenSize: 'big' })).toThrow(/hiddenSize/);
    expect(() => multVaeParams({ nonsense: 1 })).toThrow(/nonsense/);
  });
});

describe('Mult-VAE', () => {
  const train = trainingData(groupSequences(600, 1));
  let trained: MultVaeRecommender;

  it('is registered as a deep ModelSpec', () => {
    const spec = findDeepModelSpec('mult-vae')!;
    expect(DEEP_MODEL_SPECS).toContain(spec);
    const defaults = spec.defaults({
      protocol: 'session-prefix',
      kind: 'sessions',
      numItems: 43097,
      hasTimes: false,
      timeSpan: 0,
      averageSequenceLength: 5,
    });
    expect(defaults.negatives).toBeGreaterThan(0);
    expect(spec.create({ ...defaults, ...small }).name).toBe('mult-vae');
  });

  it('loss falls and it learns co-occurrence far better than popularity', async () => {
    trained = new MultVaeRecommender({ ...small, epochs: 30 });
    await trained.fit(train, { seed: 3 });
    const epochs = trained.report!.epochs;
    expect(epochs).toHaveLength(30);
    expect(epochs[epochs.length - 1].nll).toBeLessThan(0.85 * epochs[0].nll);
    expect(epochs[epochs.length - 1].beta).toBeCloseTo(0.2, 6);

    const split = groupSplit(train);
    const vae = scoreSplit(trained, split, { ks: [5] }).metrics;
    const popularity = new PopularityRecommender();
    popularity.fit(train);
    const pop = scoreSplit(popularity, split, { ks: [5] }).metrics;
    // Within the shopper's group only 8 - |history| items remain: a model that
    // knows the group puts the target in its top 5 most of the time.
    expect(vae.hr[5]).toBeGreaterThan(0.7);
    expect(vae.hr[5]).toBeGreaterThan(pop.hr[5] + 0.3);
  });

  it('scoreBatch equals scoreAll row by row', () => {
    const histories = [Int32Array.from([1, 2, 3]), Int32Array.from([40]), Int32Array.from([])];
    const batch = new Float32Array(NUM_ITEMS * histories.length);
    trained.scoreBatch(histories, batch);
    const one = new Float32Array(NUM_ITEMS);
    histories.forEach((h, r) => {
      trained.scoreAll(h, one);
      for (let i = 0; i < NUM_ITEMS; i++) expect(batch[r * NUM_ITEMS + i]).toBeCloseTo(one[i], 4);
    });
  });

  it('saves and loads (memory and files) with identical scores, and trains further', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pulse-mult-vae-'));
    try {
      const artifacts = await trained.save();
      await writeModelArtifacts(dir, artifacts);
      const loaded = await MultVaeRecommender.load(await readModelArtifacts(dir));
      expect(loaded.epochsTrained).toBe(30);
      expect(loaded.shape).toEqual(trained.shape);
      const history = Int32Array.from([9, 10, 11]);
      const a = new Float32Array(NUM_ITEMS);
      const b = new Float32Array(NUM_ITEMS);
      trained.scoreAll(history, a);
      loaded.scoreAll(history, b);
      expect(Array.from(b)).toEqual(Array.from(a));

      const more = await MultVaeRecommender.load(artifacts, { epochs: 2 });
      await more.fit(train, { seed: 4 });
      expect(more.epochsTrained).toBe(32);
      // It starts from trained weights: its first epoch is already near the end of the first run.
      expect(more.report!.epochs[0].nll).toBeLessThan(trained.report!.epochs[0].nll * 0.9);
      const c = new Float32Array(NUM_ITEMS);
      more.scoreAll(history, c);
      expect(Array.from(c)).not.toEqual(Array.from(a));
      loaded.dispose();
      more.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is repeatable from a seed', async () => {
    const data = trainingData(groupSequences(200, 5));
    const scores = async (seed: number) => {
      const m = new MultVaeRecommender({ ...small, epochs: 3 });
      await m.fit(data, { seed });
      const out = new Float32Array(NUM_ITEMS);
      m.scoreAll(Int32Array.from([0, 1]), out);
      m.dispose();
      return Array.from(out);
    };
    const first = await scores(7);
    expect(await scores(7)).toEqual(first);
    expect(await scores(8)).not.toEqual(first);
  });

  it('learns with a sampled softmax, and early-stops on a holdout of sessions', async () => {
    const sessions = trainingData(groupSequences(600, 2), 'sessions');
    const m = new MultVaeRecommender({
      ...small,
      epochs: 40,
      negatives: 8,
      patience: 2,
      evalEvery: 2,
      validationSequences: 100,
    });
    await m.fit(sessions, { seed: 3 });
    const report = m.report!;
    expect(report.bestValidation).toBeGreaterThan(0);
    expect(report.epochs.find((e) => e.epoch === report.bestEpoch)?.validation).toBe(
      report.bestValidation,
    );
    expect(m.notes.join(' ')).toMatch(/sampled softmax/);
    expect(scoreSplit(m, groupSplit(sessions), { ks: [5] }).metrics.hr[5]).toBeGreaterThan(0.6);
    m.dispose();
    trained.dispose();
  });
});
