import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  ItemIndex,
  SequenceDataset,
  Sequences,
  sequencesFromArrays,
} from '../datasets/sequence-dataset';
import { runEvaluation } from '../evaluation/evaluate';
import { scoreSplit } from '../evaluation/harness';
import type { EvaluationSplit } from '../evaluation/protocols';
import type { TrainingData } from '../evaluation/recommender';
import { initTf } from '../runtime/tf-runtime';
import { SeededRandom } from '../util/random';
import { DEEP_MODEL_SPECS, findDeepModelSpec } from './index';
import {
  buildTrainingWindows,
  encodeHistories,
  encodeTrainingBatch,
  makeBatches,
} from './sequence-features';
import { CaserRecommender } from './caser.recommender';
import { SequenceModelKind, SequenceRecommender } from './sequence.recommender';

jest.setTimeout(120000);

const NUM_ITEMS = 24;
/** A fixed random permutation: item i is always followed by NEXT[i]. */
const NEXT = (() => {
  const p = Array.from({ length: NUM_ITEMS }, (_, i) => i);
  new SeededRandom(7).shuffle(p);
  const next = new Array<number>(NUM_ITEMS);
  for (let i = 0; i < NUM_ITEMS; i++) next[p[i]] = p[(i + 1) % NUM_ITEMS];
  return next;
})();

function patternSequences(count: number, seed: number): number[][] {
  const rng = new SeededRandom(seed);
  const out: number[][] = [];
  for (let s = 0; s < count; s++) {
    const length = 4 + rng.nextInt(7);
    const seq = [rng.nextInt(NUM_ITEMS)];
    while (seq.length < length) seq.push(NEXT[seq[seq.length - 1]]);
    out.push(seq);
  }
  return out;
}

function trainingData(sequences: number[][]): TrainingData {
  return { numItems: NUM_ITEMS, sequences: sequencesFromArrays(sequences), kind: 'users' };
}

/** Next-item cases from fresh pattern sequences: history = all but the last, nothing masked. */
function patternSplit(train: TrainingData): EvaluationSplit {
  const seqs = patternSequences(60, 99);
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
  maxLen: 8,
  numBlocks: 1,
  dropout: 0.1,
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

describe('sequence features', () => {
  it('windows predict the next item at every position and batches pad on the left', () => {
    const seqs = sequencesFromArrays([[1, 2, 3, 4], [5], [6, 7]]);
    const w = buildTrainingWindows(seqs, { maxLen: 2 });
    // [1,2,3,4] keeps its latest 3 items (maxLen + 1); [5] has no target.
    expect(Array.from(w.items)).toEqual([2, 3, 4, 6, 7]);
    expect(w.targets).toBe(3);
    const all = buildTrainingWindows(seqs, { maxLen: 2, windows: 'all' });
    expect(all.targets).toBe(4);
    const batch = encodeTrainingBatch(w, Int32Array.from([0, 1]));
    expect(batch.length).toBe(2);
    expect(Array.from(batch.ids)).toEqual([3, 4, 0, 7]); // ids are item + 1
    expect(Array.from(batch.positions)).toEqual([0, 1, 3]);
    expect(Array.from(batch.targets)).toEqual([3, 4, 7]);
    const h = encodeHistories([Int32Array.from([9, 8, 7]), Int32Array.from([])], 2);
    expect(Array.from(h.ids)).toEqual([9, 8, 0, 0]);
    const batches = makeBatches(all, 1, new SeededRandom(1));
    expect(batches.length).toBe(3);
  });
});

describe.each<SequenceModelKind>(['sasrec', 'gru4rec'])('%s', (kind) => {
  let trained: SequenceRecommender;
  const train = trainingData(patternSequences(400, 1));

  it('is registered as a ModelSpec', () => {
    const spec = findDeepModelSpec(kind)!;
    expect(DEEP_MODEL_SPECS).toContain(spec);
    const model = spec.create({
      ...spec.defaults({
        protocol: 'loo-full',
        kind: 'users',
        numItems: 100,
        hasTimes: false,
        timeSpan: 0,
        averageSequenceLength: 5,
      }),
      ...small,
    });
    expect(model.name).toBe(kind);
  });

  it('learns a deterministic next-item pattern: loss falls, HR@1 is high', async () => {
    trained = new SequenceRecommender(kind, { ...small, epochs: 20, negatives: 0 });
    await trained.fit(train, { seed: 5 });
    const epochs = trained.report!.epochs;
    expect(epochs[epochs.length - 1].loss).toBeLessThan(0.5 * epochs[0].loss);
    const scored = scoreSplit(trained, patternSplit(train), { ks: [1, 5] });
    expect(scored.metrics.hr[1]).toBeGreaterThan(0.9);
  });

  it('learns with a sampled softmax (logQ-corrected) too', async () => {
    const model = new SequenceRecommender(kind, { ...small, epochs: 20, negatives: 8 });
    await model.fit(train, { seed: 5 });
    expect(scoreSplit(model, patternSplit(train), { ks: [1] }).metrics.hr[1]).toBeGreaterThan(0.8);
    model.dispose();
  });

  it('scoreBatch equals scoreAll row by row', () => {
    const histories = [Int32Array.from([1, 2, 3]), Int32Array.from([5]), Int32Array.from([])];
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
    const loaded = await SequenceRecommender.load(artifacts);
    expect(loaded.kind).toBe(kind);
    expect(loaded.epochsTrained).toBe(trained.epochsTrained);
    const history = Int32Array.from([3, 4, 5, 6]);
    const a = new Float32Array(NUM_ITEMS);
    const b = new Float32Array(NUM_ITEMS);
    trained.scoreAll(history, a);
    loaded.scoreAll(history, b);
    expect(Array.from(b)).toEqual(Array.from(a));

    // Continue training on a shifted pattern: the loaded model must adapt.
    const shifted = patternSequences(400, 2).map((s) => s.map((i) => NEXT[i]));
    const before = (await SequenceRecommender.load(artifacts)).epochsTrained;
    const more = await SequenceRecommender.load(artifacts, { epochs: 3 });
    await more.fit(trainingData(shifted), { seed: 6 });
    expect(more.epochsTrained).toBe(before + 3);
    const c = new Float32Array(NUM_ITEMS);
    more.scoreAll(history, c);
    expect(Array.from(c)).not.toEqual(Array.from(a));
    // It started from the trained weights: its first epoch's loss is already low.
    expect(more.report!.epochs[0].loss).toBeLessThan(trained.report!.epochs[0].loss * 0.5);
    loaded.dispose();
    more.dispose();
    trained.dispose();
  });

  it('trains on batches of one-item inputs (two-item sequences)', async () => {
    const model = new SequenceRecommender(kind, { ...small, epochs: 1 });
    const pairs = patternSequences(64, 3).map((s) => s.slice(0, 2));
    await model.fit(trainingData(pairs), { seed: 5 });
    expect(Number.isFinite(model.report!.epochs[0].loss)).toBe(true);
    model.dispose();
  });

  it('stops after the current epoch when its stop file appears', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pulse-stop-'));
    const stopFile = path.join(dir, 'STOP');
    writeFileSync(stopFile, '');
    try {
      const model = new SequenceRecommender(kind, { ...small, epochs: 10, stopFile });
      await model.fit(train, { seed: 5 });
      expect(model.report!.epochs.length).toBe(1);
      expect(model.report!.stoppedEarly).toBe(true);
      model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('early-stops on the harness holdout metric and restores the best epoch', async () => {
    const model = new SequenceRecommender(kind, {
      ...small,
      epochs: 12,
      patience: 2,
      evalEvery: 1,
      validationSequences: 50,
      negatives: 0,
    });
    await model.fit(train, { seed: 5 });
    const r = model.report!;
    expect(r.epochs.every((e) => e.validation !== undefined)).toBe(true);
    expect(r.bestValidation).toBeGreaterThan(0.5);
    expect(r.bestValidation).toBe(Math.max(...r.epochs.map((e) => e.validation!)));
    model.dispose();
  });
});

describe('gru4rec inputSkip', () => {
  it('learns the pattern with the residual input path, which survives save/load', async () => {
    const train = trainingData(patternSequences(400, 1));
    const skip = new SequenceRecommender('gru4rec', { ...small, epochs: 20, inputSkip: true });
    await skip.fit(train, { seed: 5 });
    expect(scoreSplit(skip, patternSplit(train), { ks: [1] }).metrics.hr[1]).toBeGreaterThan(0.9);
    const plain = new SequenceRecommender('gru4rec', { ...small, epochs: 20 });
    await plain.fit(train, { seed: 5 });
    const history = Int32Array.from([3, 4, 5]);
    const [a, b, c] = [0, 1, 2].map(() => new Float32Array(NUM_ITEMS));
    skip.scoreAll(history, a);
    plain.scoreAll(history, c);
    expect(Array.from(a)).not.toEqual(Array.from(c)); // same seed: the path made the difference
    const loaded = await SequenceRecommender.load(await skip.save());
    expect(loaded.params.inputSkip).toBe(true);
    loaded.scoreAll(history, b);
    expect(Array.from(b)).toEqual(Array.from(a));
    for (const m of [skip, plain, loaded]) m.dispose();
  });
});

describe('through runEvaluation (what `pulse evaluate --model sasrec|gru4rec` runs)', () => {
  it('fits and scores both deep specs on loo-full with their defaults plus fixed parameters', async () => {
    const dataset: SequenceDataset = {
      name: 'pattern',
      kind: 'users',
      items: ItemIndex.fromExternalIds(Array.from({ length: NUM_ITEMS }, (_, i) => `i${i}`)),
      sequences: sequencesFromArrays(patternSequences(300, 11)),
    };
    const fixed = { ...small, epochs: 15, validationSequences: 40, patience: 2, evalEvery: 3 };
    const report = await runEvaluation({
      dataset,
      protocol: 'loo-full',
      // Other deep models share DEEP_MODEL_SPECS but not these parameters.
      models: ['sasrec', 'gru4rec'].map((name) => ({
        spec: DEEP_MODEL_SPECS.find((s) => s.name === name)!,
        params: fixed,
      })),
      k: [1, 10],
      tune: false,
    });
    expect(report.results.map((r) => r.model)).toEqual(['sasrec', 'gru4rec']);
    for (const r of report.results) {
      expect(r.metrics.hr[1]).toBeGreaterThan(0.8);
      expect(r.notes.join(' ')).toContain('full softmax');
    }
  });
});

afterAll(() => {
  expect(tf.memory().numTensors).toBeLessThan(1000);
});

describe('what SASRec, GRU4Rec and Caser share (SequenceEncoderRecommender)', () => {
  const train = trainingData(patternSequences(200, 3));
  const models = (patience: number) => [
    new SequenceRecommender('sasrec', { ...small, epochs: 1, validationSequences: 40, patience }),
    new CaserRecommender({
      hiddenSize: 16,
      maxLen: 8,
      batchSize: 64,
      epochs: 1,
      validationSequences: 40,
      patience,
      progress: 'none',
      seed: 5,
    }),
  ];

  it('validates on a carved holdout, unless patience is negative: then every sequence trains', async () => {
    for (const [patience, validates] of [
      [0, true],
      [-1, false],
    ] as const) {
      for (const model of models(patience)) {
        await model.fit(train, { seed: 5 });
        expect([model.name, model.report!.epochs[0]!.validation !== undefined]).toEqual([
          model.name,
          validates,
        ]);
        model.dispose();
      }
    }
  });

  it('refuses to train a fitted model on data with another item count, naming the model', async () => {
    for (const model of models(0)) {
      await model.fit(train, { seed: 5 });
      await expect(model.fit({ ...train, numItems: NUM_ITEMS + 1 }, { seed: 5 })).rejects.toThrow(
        new RegExp(
          `^${model.name}: loaded model has ${NUM_ITEMS} items, training data ${NUM_ITEMS + 1}$`,
        ),
      );
      model.dispose();
    }
  });
});
