/** Statistics of click-through rates: Wilson intervals and a cluster bootstrap over served lists. */

/** Wilson score interval of a binomial proportion (95% by default). */
export function wilsonInterval(successes: number, trials: number, z = 1.96): [number, number] {
  if (trials <= 0) return [Number.NaN, Number.NaN];
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half =
    (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** One served list: what it showed and what came of it. */
export interface ListOutcome {
  readonly impressions: number;
  readonly clicks: number;
}

export interface Estimate {
  /** The point estimate from all the lists. */
  readonly value: number;
  /** 95% percentile interval. */
  readonly ci: [number, number];
}

export interface CtrComparison {
  readonly a: Estimate;
  readonly b: Estimate;
  /** CTR(a) − CTR(b). */
  readonly difference: Estimate;
  /** CTR(a) ÷ CTR(b). */
  readonly ratio: Estimate;
}

/** Σclicks / Σimpressions; NaN with no impressions. */
export function ctrOf(lists: readonly ListOutcome[]): number {
  let clicks = 0;
  let impressions = 0;
  for (const l of lists) {
    clicks += l.clicks;
    impressions += l.impressions;
  }
  return impressions > 0 ? clicks / impressions : Number.NaN;
}

/**
 * Cluster bootstrap of CTR = Σclicks / Σimpressions over served lists: lists
 * are resampled whole, because clicks within one list are not independent
 * (one shopper, one mood), which a binomial interval over impressions
 * ignores. The two arms are resampled independently (they are separate
 * randomised groups); difference and ratio come from the same resamples.
 * With `b` empty, only `a`'s interval means anything.
 */
export function bootstrapCtr(
  a: readonly ListOutcome[],
  b: readonly ListOutcome[],
  resamples: number,
  random: { next(): number },
): CtrComparison {
  const resample = (lists: readonly ListOutcome[]) => {
    let clicks = 0;
    let impressions = 0;
    for (let i = 0; i < lists.length; i++) {
      const l = lists[Math.floor(random.next() * lists.length)]!;
      clicks += l.clicks;
      impressions += l.impressions;
    }
    return impressions > 0 ? clicks / impressions : Number.NaN;
  };
  const as: number[] = [];
  const bs: number[] = [];
  for (let r = 0; r < resamples; r++) {
    as.push(resample(a));
    bs.push(resample(b));
  }
  const ctrA = ctrOf(a);
  const ctrB = ctrOf(b);
  return {
    a: { value: ctrA, ci: percentileInterval(as) },
    b: { value: ctrB, ci: percentileInterval(bs) },
    difference: { value: ctrA - ctrB, ci: percentileInterval(as.map((x, i) => x - bs[i]!)) },
    ratio: { value: ctrA / ctrB, ci: percentileInterval(as.map((x, i) => x / bs[i]!)) },
  };
}

/** The 2.5% and 97.5% points of the finite values; NaNs when there are none. */
export function percentileInterval(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite).sort((p, q) => p - q);
  if (finite.length === 0) return [Number.NaN, Number.NaN];
  const at = (q: number) => finite[Math.min(finite.length - 1, Math.floor(q * finite.length))]!;
  return [at(0.025), at(0.975)];
}
