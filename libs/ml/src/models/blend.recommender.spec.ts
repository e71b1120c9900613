import { MarkovRecommender } from '../baselines/markov.recommender';
import { PopularityRecommender } from '../baselines/popularity.recommender';
import { sequencesFromArrays } from '../datasets/sequence-dataset';
import type { ModelCheckpoint, Recommender, TrainingData } from '../evaluation/recommender';
import { twoTowerStanSpec } from './blend.model-spec';
import { type BlendParams, BlendRecommender } from './blend.recommender';
import { mix, mixProbabilities } from './blend.weights';

describe('mix', () => {
  it('standardises each row over its finite entries and weighs them (hand-checked)', () => {
    // a: mean 2, sd sqrt(2/3); b: mean 10, sd sqrt(200/3) (values 0, 10, 20).
    const a = Float32Array.from([1, 2, 3]);
    const b = Float32Array.from([20, 10, 0]);
    mix(a, b, 0.75);
    const za = [-1, 0, 1].map((v) => v / Math.sqrt(2 / 3));
    const zb = [10, 0, -10].map((v) => v / Math.sqrt(200 / 3));
    const expected = za.map((x, i) => 0.75 * x + 0.25 * zb[i]!);
    expect(Array.from(a).map((v) => Number(v.toFixed(5)))).toEqual(
      expected.map((v) => Number(v.toFixed(5))),
    );
  });

  it('keeps an item excluded by either part excluded, and maps a constant row to 0', () => {
    const a = Float32Array.from([5, 5, Number.NEGATIVE_INFINITY]);
    const b = Float32Array.from([1, 3, 2]);
    mix(a, b, 0.5);
    expect(a[2]).toBe(Number.NEGATIVE_INFINITY);
    expect(a[0]).toBeLessThan(a[1]!); // only b separates them
  });
});

describe('mixProbabilities', () => {
  it('mixes the first part softmax with the second part share (hand-checked)', () => {
    const a = Float32Array.from([0, Math.log(3)]); // softmax 0.25, 0.75
    const b = Float32Array.from([1, 3]); // shares 0.25, 0.75
    mixProbabilities(a, Float32Array.from([3, 1]), 0.5); // shares 0.75, 0.25
    expect(Array.from(a).map((v) => Number(v.toFixed(6)))).toEqual([0.5, 0.5]);
    const c = Float32Array.from([0, Math.log(3)]);
    mixProbabilities(c, b, 1);
    expect(Array.from(c).map((v) => Number(v.toFixed(6)))).toEqual([0.25, 0.75]);
  });
});

describe('BlendRecommender', () => {
  // Sessions walk the items in order (i -> i+1), item 0 far more popular than the rest:
  // Markov predicts the next item exactly, popularity keeps saying item 0.
  const numItems = 30;
  const sessions: number[][] = [];
  for (let s = 0; s < 600; s++) {
    const start = 1 + (s % 25);
    sessions.push([0, start, start + 1, start + 2, 0]);
  }
  const train: TrainingData = {
    numItems,
    kind: 'sessions',
    sequences: sequencesFromArrays(sessions),
  };

  it('chooses the weight on a holdout carved from training, favouring the part that predicts, and says so', async () => {
    const blend = new BlendRecommender(new MarkovRecommender(), new PopularityRecommender(), {
      weights: [0, 0.5, 1],
      holdoutSequences: 100,
      tuneCases: 400,
      mixing: 'z',
      refitSecond: true,
      furtherEpochs: 0,
      maxFurtherEpochs: 0,
    });
    await blend.fit(train, { seed: 1 });
    expect(blend.chosenWeight).toBeGreaterThanOrEqual(0.5);
    expect(blend.notes[0]).toMatch(
      /^weight (0\.5|1) on markov chosen on a holdout of 100 training sequences \(hr@20\+mrr@20 [0-9.]+ = hr@20 [0-9.]+, mrr@20 [0-9.]+; markov alone [0-9.]+, popularity alone [0-9.]+\); popularity then refitted on all training data$/,
    );

    const out = new Float32Array(numItems);
    blend.scoreAll(Int32Array.from([0, 7, 8]), out);
    const best = out.indexOf(Math.max(...out));
    expect(best).toBe(9);
  });

  it('refits the second part on all training data after choosing the weight, so it knows the latest (holdout) sessions', async () => {
    // Only the latest 50 sessions (the holdout) show 28 -> 29.
    const latest = Array.from({ length: 50 }, () => [27, 28, 29]);
    const all = [...sessions, ...latest];
    const withLatest: TrainingData = {
      ...train,
      sequences: sequencesFromArrays(all),
      times: Float64Array.from(all, (_, i) => i), // the holdout is the latest sessions
    };
    const topAfter28 = async (refitSecond: boolean) => {
      const blend = new BlendRecommender(new PopularityRecommender(), new MarkovRecommender(), {
        weights: [0],
        holdoutSequences: 50,
        tuneCases: 100,
        mixing: 'z',
        refitSecond,
        furtherEpochs: 0,
        maxFurtherEpochs: 0,
      });
      await blend.fit(withLatest, { seed: 1 });
      const out = new Float32Array(numItems);
      blend.scoreAll(Int32Array.from([28]), out);
      return { top: out.indexOf(Math.max(...out)), notes: blend.notes.join(' ') };
    };
    const refitted = await topAfter28(true);
    expect(refitted.top).toBe(29);
    expect(refitted.notes).toMatch(/markov then refitted on all training data/);
    expect((await topAfter28(false)).top).not.toBe(29);
  });

  it("furtherEpochs 'auto' keeps the count of further epochs that helps on the holdout, then trains it on all data", async () => {
    // A stand-in deep part that predicts the walk only after exactly one further epoch
    // (before: popularity; after two: it has drifted back to popularity).
    class OneEpochHelps implements Recommender {
      readonly name = 'one-epoch';
      private readonly markov = new MarkovRecommender();
      private readonly popularity = new PopularityRecommender();
      further = 0;
      fit(data: TrainingData): void {
        this.markov.fit(data);
        this.popularity.fit(data);
        this.further = 0;
      }
      async trainFurther(_data: TrainingData, epochs: number): Promise<void> {
        this.further += epochs;
      }
      async checkpoint(): Promise<ModelCheckpoint> {
        const saved = this.further;
        return { restore: async () => void (this.further = saved), dispose: () => undefined };
      }
      scoreAll(history: Int32Array, out: Float32Array): void {
        (this.further === 1 ? this.markov : this.popularity).scoreAll(history, out);
      }
    }
    const deep = new OneEpochHelps();
    const blend = new BlendRecommender(deep, new PopularityRecommender(), {
      weights: [1],
      holdoutSequences: 100,
      tuneCases: 300,
      mixing: 'z',
      refitSecond: false,
      furtherEpochs: 'auto',
      maxFurtherEpochs: 3,
    });
    await blend.fit(train, { seed: 1 });
    expect(blend.notes[0]).toMatch(
      /^1 further epoch\(s\) chosen on the holdout \(blend hr@20\+mrr@20 after 0\.\.2 further epochs on the rest of training: ([0-9.]+), ([0-9.]+), ([0-9.]+)\)$/,
    );
    expect(blend.notes.join(' ')).toMatch(
      /one-epoch then trained 1 more epoch\(s\) on all training data/,
    );
    expect(deep.further).toBe(1); // restored to the fitted state, then one epoch on all data
    const out = new Float32Array(numItems);
    blend.scoreAll(Int32Array.from([0, 7, 8]), out);
    expect(out.indexOf(Math.max(...out))).toBe(9);
  });

  it('further epochs need a first part that can train further (and, for auto, checkpoint), and say which', async () => {
    const refusal = (furtherEpochs: BlendParams['furtherEpochs']) =>
      new BlendRecommender(new MarkovRecommender(), new PopularityRecommender(), {
        weights: [1],
        holdoutSequences: 50,
        tuneCases: 50,
        mixing: 'z',
        refitSecond: false,
        furtherEpochs,
        maxFurtherEpochs: 2,
      }).fit(train, { seed: 1 });
    await expect(refusal(1)).rejects.toThrow('furtherEpochs: markov cannot train further');
    await expect(refusal('auto')).rejects.toThrow(
      'furtherEpochs: markov cannot train further from a checkpoint',
    );
  });

  it('the spec reads furtherEpochs as a count or auto, and refuses anything else naming it', () => {
    const create = (furtherEpochs: string) =>
      twoTowerStanSpec.create({
        ...twoTowerStanSpec.defaults({
          protocol: 'session-prefix',
          kind: 'sessions',
          numItems: numItems,
          hasTimes: false,
          timeSpan: 0,
          averageSequenceLength: 5,
        }),
        furtherEpochs,
      });
    expect(() => create('2')).not.toThrow();
    expect(() => create('auto')).not.toThrow();
    expect(() => create('sometimes')).toThrow(
      "furtherEpochs: must be a whole number >= 0 or 'auto', got sometimes",
    );
  });

  it('refuses weights outside [0, 1]', () => {
    expect(
      () =>
        new BlendRecommender(new MarkovRecommender(), new PopularityRecommender(), {
          weights: [1.5],
          holdoutSequences: 1,
          tuneCases: 1,
          mixing: 'z',
          refitSecond: true,
          furtherEpochs: 0,
          maxFurtherEpochs: 0,
        }),
    ).toThrow('weights: each must be in [0, 1], got 1.5');
  });
});
