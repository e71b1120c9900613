import { sequencesFromArrays } from '../datasets/sequence-dataset';
import type {
  FitOptions,
  ModelCheckpoint,
  Recommender,
  TrainingData,
} from '../evaluation/recommender';
import { twoTowerStanSpec } from './blend.model-spec';
import { twoTowerSpec } from './two-tower';
import { memberSeed, SeedEnsembleRecommender } from './seed-ensemble.recommender';

jest.setTimeout(120000);

/** Scores item j as seed·(j + 1) + history length, item 0 excluded: what a member learned depends on its seed. */
class SeededScores implements Recommender {
  readonly name = 'seeded';
  seed = Number.NaN;
  furtherSeeds: number[] = [];
  fit(_train: TrainingData, options: FitOptions = {}): void {
    this.seed = options.seed ?? Number.NaN;
  }
  scoreAll(history: Int32Array, out: Float32Array): void {
    for (let j = 0; j < out.length; j++) out[j] = this.seed * (j + 1) + history.length;
    out[0] = Number.NEGATIVE_INFINITY;
  }
  get notes(): string[] {
    return [`fitted with seed ${this.seed}`];
  }
}

class TrainsFurther extends SeededScores {
  async trainFurther(
    _train: TrainingData,
    _epochs: number,
    options: FitOptions = {},
  ): Promise<void> {
    this.seed += 1;
    this.furtherSeeds.push(options.seed ?? Number.NaN);
  }
  async checkpoint(): Promise<ModelCheckpoint> {
    const saved = this.seed;
    return { restore: async () => void (this.seed = saved), dispose: () => undefined };
  }
}

const train: TrainingData = {
  numItems: 4,
  kind: 'sessions',
  sequences: sequencesFromArrays([[1, 2, 3]]),
};

describe('SeedEnsembleRecommender', () => {
  it('fits each member from its own seed and scores the mean of their scores', async () => {
    const ensemble = new SeedEnsembleRecommender(() => new SeededScores(), 3);
    await ensemble.fit(train, { seed: 5 });
    const seeds = [5, 1005, 2005];
    expect(seeds.map((_, i) => memberSeed(5, i))).toEqual(seeds);

    const out = new Float32Array(4);
    ensemble.scoreAll(Int32Array.from([1, 2]), out);
    const meanSeed = (5 + 1005 + 2005) / 3;
    expect(out[0]).toBe(Number.NEGATIVE_INFINITY); // excluded by the members stays excluded
    expect(Array.from(out.subarray(1))).toEqual([2, 3, 4].map((k) => meanSeed * k + 2));
    expect(ensemble.name).toBe('seeded×3');
    expect(ensemble.notes).toEqual([
      "mean of 3 members' scores, trained from seeds 5, 1005, 2005",
      'member 1: fitted with seed 5',
      'member 2: fitted with seed 1005',
      'member 3: fitted with seed 2005',
    ]);
  });

  it('scores a batch exactly as it scores each history', async () => {
    const ensemble = new SeedEnsembleRecommender(() => new SeededScores(), 2);
    await ensemble.fit(train, { seed: 1 });
    const histories = [Int32Array.from([1]), Int32Array.from([1, 2, 3])];
    const batch = new Float32Array(8);
    ensemble.scoreBatch(histories, batch);
    const one = new Float32Array(4);
    histories.forEach((h, b) => {
      ensemble.scoreAll(h, one);
      expect(Array.from(batch.subarray(b * 4, b * 4 + 4))).toEqual(Array.from(one));
    });
  });

  it('with one member is that member: same name, seed, scores and notes', async () => {
    const ensemble = new SeedEnsembleRecommender(() => new SeededScores(), 1);
    const alone = new SeededScores();
    await ensemble.fit(train, { seed: 9 });
    alone.fit(train, { seed: 9 });
    const a = new Float32Array(4);
    const b = new Float32Array(4);
    ensemble.scoreAll(Int32Array.from([3]), a);
    alone.scoreAll(Int32Array.from([3]), b);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(ensemble.name).toBe('seeded');
    expect(ensemble.notes).toEqual(['fitted with seed 9']);
  });

  it('trains every member further from its own seed, and refuses when a member cannot', async () => {
    const members: TrainsFurther[] = [];
    const ensemble = new SeedEnsembleRecommender(() => {
      members.push(new TrainsFurther());
      return members[members.length - 1]!;
    }, 2);
    await ensemble.fit(train, { seed: 7 });
    await ensemble.trainFurther(train, 1);
    expect(members.map((m) => m.furtherSeeds)).toEqual([[7], [1007]]);
    expect(members.map((m) => m.seed)).toEqual([8, 1008]);

    const cannot = new SeedEnsembleRecommender(() => new SeededScores(), 2);
    await cannot.fit(train, { seed: 7 });
    await expect(cannot.trainFurther(train, 1)).rejects.toThrow(
      'furtherEpochs: seeded cannot train further',
    );
  });

  it('a checkpoint returns every member to its state, and needs every member to have one', async () => {
    const ensemble = new SeedEnsembleRecommender(() => new TrainsFurther(), 2);
    await ensemble.fit(train, { seed: 7 });
    const scores = () => {
      const out = new Float32Array(4);
      ensemble.scoreAll(Int32Array.from([1]), out);
      return Array.from(out);
    };
    const fitted = scores();
    const checkpoint = await ensemble.checkpoint();
    await ensemble.trainFurther(train, 1);
    expect(scores()).not.toEqual(fitted);
    await checkpoint.restore();
    expect(scores()).toEqual(fitted);

    const without = new SeedEnsembleRecommender(() => new SeededScores(), 2);
    await expect(without.checkpoint()).rejects.toThrow('seeded cannot save a checkpoint');
  });

  it('refuses a size below 1, naming the parameter', () => {
    expect(() => new SeedEnsembleRecommender(() => new SeededScores(), 0)).toThrow(
      'members: must be a whole number >= 1, got 0',
    );
  });

  it('two-tower-stan with members=2 trains two two-towers from different seeds, whose mean differs from the first alone', async () => {
    // Sessions walk items in order (i -> i+1) from a random start; enough for a tiny two-tower to learn.
    const sessions = Array.from({ length: 400 }, (_, s) => {
      const start = 1 + ((s * 7) % 20);
      return [start, start + 1, start + 2, start + 3];
    });
    const data: TrainingData = {
      numItems: 25,
      kind: 'sessions',
      sequences: sequencesFromArrays(sessions),
      times: Float64Array.from(sessions, (_, i) => i),
    };
    const context = {
      protocol: 'session-prefix',
      kind: 'sessions' as const,
      numItems: 25,
      hasTimes: true,
      timeSpan: 400,
      averageSequenceLength: 4,
    };
    const tiny = {
      ...twoTowerStanSpec.defaults(context),
      holdoutSequences: 50,
      tuneCases: 50,
      deep_embeddingSize: 8,
      deep_hiddenSize: 16,
      deep_outputSize: 8,
      deep_epochs: 2,
      deep_validationSequences: 0,
      deep_patience: 0,
      deep_negatives: 0,
      deep_progress: 'none',
    };
    const model = twoTowerStanSpec.create({ ...tiny, members: 2 });
    await model.fit(data, { seed: 3 });
    const notes = (model.notes ?? []).join('\n');
    expect(notes).toMatch(/two-tower×2: mean of 2 members' scores, trained from seeds 3, 1003/);
    expect(notes).toMatch(/two-tower×2: member 1: /);
    expect(notes).toMatch(/two-tower×2: member 2: /);
    model.dispose?.();

    // The deep part alone: the second member's scores move the mean away from the first's.
    const deep = (p: Record<string, unknown>) => ({
      embeddingSize: 8,
      hiddenSize: 16,
      outputSize: 8,
      epochs: 2,
      validationSequences: 0,
      patience: 0,
      negatives: 0,
      progress: 'none',
      ...p,
    });
    const pair = new SeedEnsembleRecommender(() => twoTowerSpec.create(deep({})), 2);
    const single = new SeedEnsembleRecommender(() => twoTowerSpec.create(deep({})), 1);
    await pair.fit(data, { seed: 3 });
    await single.fit(data, { seed: 3 });
    const scores = (m: Recommender) => {
      const out = new Float32Array(25);
      m.scoreAll(Int32Array.from([5, 6]), out);
      return Array.from(out);
    };
    expect(scores(pair)).not.toEqual(scores(single));
    pair.dispose();
    single.dispose();
  });
});
