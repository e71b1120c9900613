import { performance } from 'node:perf_hooks';
import { sequenceAt, sequenceCount } from '../datasets/sequence-dataset';
import { deriveSeed, SeededRandom } from '../util/random';
import {
  DEFAULT_KS,
  MetricAccumulator,
  MetricsAtK,
  rankAgainstAll,
  rankAgainstCandidates,
  type RankCounts,
} from './metrics';
import type { EvaluationSplit } from './protocols';
import type { Recommender } from './recommender';

export interface CaseProgress {
  readonly done: number;
  readonly total: number;
}

export interface ScoreOptions {
  readonly ks?: readonly number[];
  /** Evaluate a uniform random subset of at most this many cases (seeded). */
  readonly maxCases?: number;
  readonly seed?: number;
  /** Histories per scoreBatch call when the model has one. Default 64. */
  readonly batchSize?: number;
  readonly onProgress?: (progress: CaseProgress) => void;
}

export interface LatencySummary {
  /** Median time of one scoreAll call (or batch time / batch size), ms. */
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly meanMs: number;
}

export interface ScoredSplit {
  readonly metrics: MetricsAtK;
  readonly cases: number;
  readonly latency: LatencySummary;
  /** Wall-clock of the whole pass (scoring + ranking), s. */
  readonly seconds: number;
}

/** Indices of the cases to evaluate: all, or a seeded uniform subset kept in original order. */
export function selectCases(total: number, maxCases: number | undefined, seed: number): Int32Array {
  const all = new Int32Array(total);
  for (let i = 0; i < total; i++) all[i] = i;
  if (maxCases === undefined || maxCases >= total) return all;
  new SeededRandom(deriveSeed(seed, 'case-subset')).shuffle(all);
  return all.subarray(0, Math.max(0, maxCases)).sort();
}

function summarize(latencies: Float64Array): LatencySummary {
  if (latencies.length === 0) return { medianMs: 0, p90Ms: 0, meanMs: 0 };
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i];
  return { medianMs: at(0.5), p90Ms: at(0.9), meanMs: sum / sorted.length };
}

/** How case `c`'s target fares in `scores`: against its candidates, or every item but its masked ones. */
export function rankCase(split: EvaluationSplit, scores: Float32Array, c: number): RankCounts {
  const { targets, masks, candidates } = split.cases;
  const target = targets[c];
  return candidates
    ? rankAgainstCandidates(scores, target, sequenceAt(candidates, c))
    : rankAgainstAll(scores, target, masks ? sequenceAt(masks, c) : undefined, split.numItems);
}

/**
 * Scores every case of a split with an already fitted model and accumulates
 * the expected metrics. Masking and candidate lists come from the split; the
 * model only ever sees histories.
 */
export function scoreSplit(
  model: Recommender,
  split: EvaluationSplit,
  options: ScoreOptions = {},
): ScoredSplit {
  const started = performance.now();
  const { histories } = split.cases;
  const numItems = split.numItems;
  const total = sequenceCount(histories);
  const picked = selectCases(total, options.maxCases, options.seed ?? 0);
  const acc = new MetricAccumulator(options.ks ?? DEFAULT_KS);
  const latencies = new Float64Array(picked.length);
  const batchSize = model.scoreBatch ? Math.max(1, options.batchSize ?? 64) : 1;
  const out = new Float32Array(numItems * batchSize);
  const progressEvery = Math.max(1, Math.floor(picked.length / 200));

  const rank = (scores: Float32Array, c: number): void => acc.add(rankCase(split, scores, c));

  for (let start = 0; start < picked.length; start += batchSize) {
    const end = Math.min(picked.length, start + batchSize);
    if (batchSize > 1 && model.scoreBatch) {
      const batch: Int32Array[] = [];
      for (let p = start; p < end; p++) batch.push(sequenceAt(histories, picked[p]));
      const t0 = performance.now();
      model.scoreBatch(batch, out);
      const perCase = (performance.now() - t0) / batch.length;
      for (let p = start; p < end; p++) {
        latencies[p] = perCase;
        rank(out.subarray((p - start) * numItems, (p - start + 1) * numItems), picked[p]);
      }
    } else {
      const c = picked[start];
      const t0 = performance.now();
      model.scoreAll(sequenceAt(histories, c), out);
      latencies[start] = performance.now() - t0;
      rank(out, c);
    }
    if (
      options.onProgress &&
      (end === picked.length ||
        Math.floor(end / progressEvery) !== Math.floor(start / progressEvery))
    ) {
      options.onProgress({ done: end, total: picked.length });
    }
  }
  return {
    metrics: acc.result(),
    cases: picked.length,
    latency: summarize(latencies),
    seconds: (performance.now() - started) / 1000,
  };
}
