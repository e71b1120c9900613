import { sequenceAt, sequenceCount } from '../datasets/sequence-dataset';
import { rankCase, selectCases } from '../evaluation/harness';
import {
  MetricAccumulator,
  type MetricsAtK,
  metricValue,
  parseMetricKey,
} from '../evaluation/metrics';
import type { EvaluationSplit } from '../evaluation/protocols';
import type { Recommender } from '../evaluation/recommender';

export type Mixing = 'z' | 'probability';

/**
 * Turns `out` (the first part's scores) into the blend at `weight`, `other`
 * holding the second part's: w = 1 leaves the first part's scores and w = 0
 * copies the second's, so either end is that part alone, exactly.
 */
export function blendScores(
  out: Float32Array,
  other: Float32Array,
  weight: number,
  mixing: Mixing,
): void {
  if (weight === 1) return;
  if (weight === 0) return out.set(other);
  if (mixing === 'probability') return mixProbabilities(out, other, weight);
  mixStandardised(out, out, other, weight, standardiser(out), standardiser(other));
}

/** into = w·z(into) + (1 − w)·z(other); an item either part scores −∞ (excluded) stays −∞. */
export function mix(into: Float32Array, other: Float32Array, weight: number): void {
  mixStandardised(into, into, other, weight, standardiser(into), standardiser(other));
}

/** out = w·a(first) + (1 − w)·b(second); `out` may be `first`. */
function mixStandardised(
  out: Float32Array,
  first: Float32Array,
  second: Float32Array,
  weight: number,
  a: (v: number) => number,
  b: (v: number) => number,
): void {
  for (let i = 0; i < out.length; i++) {
    const x = first[i]!;
    const y = second[i]!;
    out[i] =
      Number.isFinite(x) && Number.isFinite(y)
        ? weight * a(x) + (1 - weight) * b(y)
        : Number.NEGATIVE_INFINITY;
  }
}

/** z-score over the finite entries; a constant row maps to 0. */
function standardiser(scores: Float32Array): (v: number) => number {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i]!;
    if (!Number.isFinite(v)) continue;
    n++;
    sum += v;
    sq += v * v;
  }
  const mean = n > 0 ? sum / n : 0;
  const sd = n > 0 ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : 0;
  return sd > 0 ? (v) => (v - mean) / sd : () => 0;
}

/** into = w·softmax(into) + (1 − w)·other / Σ other (other ≥ 0); −∞ in either stays −∞. */
export function mixProbabilities(into: Float32Array, other: Float32Array, weight: number): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < into.length; i++) if (into[i]! > max) max = into[i]!;
  let z = 0;
  let total = 0;
  for (let i = 0; i < into.length; i++) {
    if (Number.isFinite(into[i]!)) z += Math.exp(into[i]! - max);
    const o = other[i]!;
    if (Number.isFinite(o) && o > 0) total += o;
  }
  for (let i = 0; i < into.length; i++) {
    const x = into[i]!;
    const o = other[i]!;
    if (!Number.isFinite(x) || o === Number.NEGATIVE_INFINITY) {
      into[i] = Number.NEGATIVE_INFINITY;
      continue;
    }
    const p = z > 0 ? Math.exp(x - max) / z : 0;
    const q = total > 0 && o > 0 ? o / total : 0;
    into[i] = weight * p + (1 - weight) * q;
  }
}

/**
 * An objective: one metric key ("mrr@20") or several summed
 * ("hr@20+mrr@20", the two figures session-based papers report side by side).
 */
export function parseObjective(objective: string): readonly string[] {
  const keys = objective.split('+').map((k) => k.trim());
  keys.forEach(parseMetricKey); // throws, naming the bad key
  return keys;
}

export function objectiveValue(metrics: MetricsAtK, keys: readonly string[]): number {
  return keys.reduce((sum, key) => sum + metricValue(metrics, key), 0);
}

export interface WeightScores {
  readonly weight: number;
  readonly metrics: MetricsAtK;
}

export interface ScoreWeightsOptions {
  readonly mixing: Mixing;
  readonly ks: readonly number[];
  readonly maxCases?: number;
  readonly seed?: number;
  readonly batchSize?: number;
}

/**
 * Scores the blend of two fitted parts at every weight on a split, scoring
 * each part once per case: what `scoreSplit` gives for the blend fixed at
 * each weight (same cases, same masking, same expected metrics), at the cost
 * of one pass instead of one per weight, so the whole holdout can be used.
 */
export function scoreWeights(
  first: Recommender,
  second: Recommender,
  split: EvaluationSplit,
  weights: readonly number[],
  options: ScoreWeightsOptions,
): WeightScores[] {
  const { histories } = split.cases;
  const numItems = split.numItems;
  const picked = selectCases(sequenceCount(histories), options.maxCases, options.seed ?? 0);
  const accumulators = weights.map(() => new MetricAccumulator(options.ks));
  const batchSize = first.scoreBatch ? Math.max(1, options.batchSize ?? 64) : 1;
  const firstRows = new Float32Array(numItems * batchSize);
  const secondRow = new Float32Array(numItems);
  const blended = new Float32Array(numItems);

  for (let start = 0; start < picked.length; start += batchSize) {
    const cases = picked.subarray(start, Math.min(picked.length, start + batchSize));
    const batch = Array.from(cases, (c) => sequenceAt(histories, c));
    if (first.scoreBatch && batchSize > 1) first.scoreBatch(batch, firstRows);
    else first.scoreAll(batch[0]!, firstRows);
    cases.forEach((c, b) => {
      const firstRow = firstRows.subarray(b * numItems, (b + 1) * numItems);
      second.scoreAll(batch[b]!, secondRow);
      // The z-scores' means and deviations once per case, not once per weight.
      const z = options.mixing === 'z' && [standardiser(firstRow), standardiser(secondRow)];
      weights.forEach((weight, w) => {
        let row = blended;
        if (weight === 1) row = firstRow;
        else if (weight === 0) row = secondRow;
        else if (z) mixStandardised(blended, firstRow, secondRow, weight, z[0], z[1]);
        else {
          blended.set(firstRow);
          blendScores(blended, secondRow, weight, options.mixing);
        }
        accumulators[w]!.add(rankCase(split, row, c));
      });
    });
  }
  return weights.map((weight, w) => ({ weight, metrics: accumulators[w]!.result() }));
}
