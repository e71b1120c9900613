/**
 * Single-target ranking metrics, as expected values under uniformly random
 * tie-breaking.
 *
 * A target whose score is beaten by `greater` candidates and equalled by
 * `ties` other candidates lands, with equal probability 1/(ties+1), on each
 * 0-based rank r in [greater, greater + ties]. Every metric here is a sum over
 * ranks of a per-rank gain, so its expectation is exactly
 *   (1 / (ties + 1)) * sum_{r = greater}^{min(greater + ties, k - 1)} gain(r)
 * with gain = 1 (HR@k), 1/log2(r+2) (NDCG@k, one relevant item so IDCG = 1)
 * and 1/(r+1) (MRR@k). Computed in closed form from prefix sums, never sampled,
 * so a model that outputs constant scores gets exactly k/(n) HR@k and not
 * whatever an id order would give it.
 */

export const DEFAULT_KS: readonly number[] = [5, 10, 20];

export type MetricName = 'hr' | 'ndcg' | 'mrr';

export interface ExpectedGains {
  readonly hr: number;
  readonly ndcg: number;
  readonly mrr: number;
}

/** Metric values keyed by cut-off, e.g. { hr: { 5: .., 10: .. }, ndcg: {...}, mrr: {...} }. */
export type MetricsAtK = Record<MetricName, Record<number, number>>;

/** Cumulative gains: cum[r] = sum_{q < r} gain(q). */
class GainTable {
  private ndcg = new Float64Array([0]);
  private mrr = new Float64Array([0]);

  ensure(maxRank: number): void {
    if (this.ndcg.length > maxRank) return;
    const size = Math.max(maxRank + 1, this.ndcg.length * 2);
    const ndcg = new Float64Array(size);
    const mrr = new Float64Array(size);
    for (let r = 1; r < size; r++) {
      ndcg[r] = ndcg[r - 1] + 1 / Math.log2(r + 1);
      mrr[r] = mrr[r - 1] + 1 / r;
    }
    this.ndcg = ndcg;
    this.mrr = mrr;
  }

  ndcgSum(from: number, toExclusive: number): number {
    return this.ndcg[toExclusive] - this.ndcg[from];
  }

  mrrSum(from: number, toExclusive: number): number {
    return this.mrr[toExclusive] - this.mrr[from];
  }
}

const gains = new GainTable();

/**
 * Expected HR@k, NDCG@k and MRR@k for a target with `greater` candidates
 * scored strictly higher and `ties` other candidates scored equal.
 */
export function expectedGainsAtK(greater: number, ties: number, k: number): ExpectedGains {
  if (!(greater >= 0) || !(ties >= 0) || !(k >= 1)) {
    throw new RangeError(`invalid rank counts: greater=${greater} ties=${ties} k=${k}`);
  }
  const last = Math.min(greater + ties, k - 1); // last 0-based rank that still counts
  if (last < greater) return { hr: 0, ndcg: 0, mrr: 0 };
  gains.ensure(k);
  const p = 1 / (ties + 1);
  return {
    hr: (last - greater + 1) * p,
    ndcg: gains.ndcgSum(greater, last + 1) * p,
    mrr: gains.mrrSum(greater, last + 1) * p,
  };
}

export interface RankCounts {
  /** Candidates scored strictly above the target. */
  greater: number;
  /** Other candidates scored exactly equal to the target. */
  ties: number;
}

/**
 * Counts how the target fares against every item except the masked ones.
 * `mask` must hold distinct items and not the target (protocols build it so).
 * NaN scores rank below everything; a NaN target counts as ranked last.
 */
export function rankAgainstAll(
  scores: Float32Array | Float64Array,
  target: number,
  mask?: Int32Array,
  numItems: number = scores.length,
): RankCounts {
  const s = scores[target];
  if (Number.isNaN(s)) return { greater: numItems, ties: 0 };
  let greater = 0;
  let equal = 0;
  for (let j = 0; j < numItems; j++) {
    const v = scores[j];
    if (v > s) greater++;
    else if (v === s) equal++;
  }
  equal--; // the target itself
  if (mask) {
    for (let m = 0; m < mask.length; m++) {
      const v = scores[mask[m]];
      if (v > s) greater--;
      else if (v === s) equal--;
    }
  }
  return { greater, ties: equal };
}

/** Counts how the target fares against an explicit candidate list (sampled-negative protocols). */
export function rankAgainstCandidates(
  scores: Float32Array | Float64Array,
  target: number,
  candidates: Int32Array,
): RankCounts {
  const s = scores[target];
  if (Number.isNaN(s)) return { greater: candidates.length, ties: 0 };
  let greater = 0;
  let ties = 0;
  for (let m = 0; m < candidates.length; m++) {
    const c = candidates[m];
    if (c === target) continue;
    const v = scores[c];
    if (v > s) greater++;
    else if (v === s) ties++;
  }
  return { greater, ties };
}

/** Sums expected gains over cases; `result()` gives the means. */
export class MetricAccumulator {
  private readonly sums: Float64Array;
  private n = 0;

  constructor(readonly ks: readonly number[] = DEFAULT_KS) {
    if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) {
      throw new RangeError(`cut-offs must be positive integers, got [${ks.join(', ')}]`);
    }
    this.sums = new Float64Array(ks.length * 3);
  }

  get count(): number {
    return this.n;
  }

  add(counts: RankCounts): void {
    for (let i = 0; i < this.ks.length; i++) {
      const g = expectedGainsAtK(counts.greater, counts.ties, this.ks[i]);
      this.sums[i * 3] += g.hr;
      this.sums[i * 3 + 1] += g.ndcg;
      this.sums[i * 3 + 2] += g.mrr;
    }
    this.n++;
  }

  result(): MetricsAtK {
    const out: MetricsAtK = { hr: {}, ndcg: {}, mrr: {} };
    const d = this.n === 0 ? 0 : 1 / this.n;
    this.ks.forEach((k, i) => {
      out.hr[k] = this.sums[i * 3] * d;
      out.ndcg[k] = this.sums[i * 3 + 1] * d;
      out.mrr[k] = this.sums[i * 3 + 2] * d;
    });
    return out;
  }
}

/** Parses "ndcg@10" style metric keys (used to pick the tuning objective). */
export function parseMetricKey(key: string): { metric: MetricName; k: number } {
  const m = /^(hr|ndcg|mrr)@(\d+)$/i.exec(key.trim());
  if (!m) throw new Error(`metric must look like hr@10, ndcg@10 or mrr@20, got "${key}"`);
  return { metric: m[1].toLowerCase() as MetricName, k: Number(m[2]) };
}

export function metricValue(metrics: MetricsAtK, key: string): number {
  const { metric, k } = parseMetricKey(key);
  const v = metrics[metric][k];
  if (v === undefined)
    throw new Error(
      `metric ${key} was not computed (cut-offs: ${Object.keys(metrics[metric]).join(', ')})`,
    );
  return v;
}
