import { MarkovRecommender } from '../baselines/markov.recommender';
import { PopularityRecommender } from '../baselines/popularity.recommender';
import { ItemIndex, sequencesFromArrays } from '../datasets/sequence-dataset';
import { scoreSplit } from '../evaluation/harness';
import { getProtocol } from '../evaluation/protocols';
import type { Recommender } from '../evaluation/recommender';
import { carveHoldout } from '../training/validation-holdout';
import {
  blendScores,
  type Mixing,
  objectiveValue,
  parseObjective,
  scoreWeights,
} from './blend.weights';

/** The blend fixed at one weight, scored the slow way: both parts and the mix per call. */
function fixedBlend(
  first: Recommender,
  second: Recommender,
  weight: number,
  mixing: Mixing,
): Recommender {
  return {
    name: `blend@${weight}`,
    fit: () => undefined,
    scoreAll(history, out) {
      const other = new Float32Array(out.length);
      first.scoreAll(history, out);
      second.scoreAll(history, other);
      blendScores(out, other, weight, mixing);
    },
  };
}

describe('scoreWeights', () => {
  // Markov and popularity disagree often and tie often (Markov scores most items 0),
  // so the weights rank targets differently and ties are exercised.
  const numItems = 40;
  const sessions: number[][] = [];
  for (let s = 0; s < 400; s++) {
    const a = (s * 7) % numItems;
    sessions.push([a, (a + 1 + (s % 3)) % numItems, (a + 5) % numItems, s % 4]);
  }
  const weights = [0, 0.2, 0.5, 0.9, 1];

  it.each<Mixing>(['z', 'probability'])(
    'gives at every weight what scoreSplit gives for the blend fixed there (%s mixing, sessions)',
    (mixing) => {
      const holdout = carveHoldout(
        { numItems, kind: 'sessions', sequences: sequencesFromArrays(sessions) },
        60,
        3,
      );
      const first = new MarkovRecommender();
      const second = new PopularityRecommender();
      const rest = { numItems, kind: 'sessions' as const, sequences: holdout.train };
      first.fit(rest);
      second.fit(rest);
      const all = scoreWeights(first, second, holdout.split, weights, {
        mixing,
        ks: [5, 20],
        seed: 9,
        maxCases: 150,
        batchSize: 16,
      });
      expect(all.map((w) => w.weight)).toEqual(weights);
      const values = all.map(({ weight, metrics }) => {
        const slow = scoreSplit(fixedBlend(first, second, weight, mixing), holdout.split, {
          ks: [5, 20],
          seed: 9,
          maxCases: 150,
        });
        expect(metrics).toEqual(slow.metrics);
        return metrics.mrr[20];
      });
      expect(new Set(values).size).toBeGreaterThan(1); // the weights do rank differently
    },
  );

  it('masks history items on user splits as the harness does', () => {
    const users = sessions.map((s, u) => [u % numItems, ...s]);
    const split = getProtocol('loo-full').split(
      {
        name: 'generated',
        kind: 'users',
        items: ItemIndex.fromExternalIds(Array.from({ length: numItems }, (_, i) => `i${i}`)),
        sequences: sequencesFromArrays(users),
      },
      'validation',
    );
    const first = new MarkovRecommender();
    const second = new PopularityRecommender();
    first.fit(split.train);
    second.fit(split.train);
    const [fast] = scoreWeights(first, second, split, [0.5], { mixing: 'z', ks: [10] });
    const slow = scoreSplit(fixedBlend(first, second, 0.5, 'z'), split, { ks: [10] });
    expect(fast!.metrics).toEqual(slow.metrics);
  });
});

describe('objectives', () => {
  it('sums the named metrics and refuses a malformed key, naming it', () => {
    const metrics = { hr: { 20: 0.5 }, ndcg: { 10: 0.3 }, mrr: { 20: 0.2 } };
    expect(objectiveValue(metrics, parseObjective('hr@20+mrr@20'))).toBeCloseTo(0.7, 12);
    expect(objectiveValue(metrics, parseObjective('ndcg@10'))).toBe(0.3);
    expect(() => parseObjective('hr@20+recall@20')).toThrow(/recall@20/);
  });
});
