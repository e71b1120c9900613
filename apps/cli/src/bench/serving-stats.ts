/** Pure helpers of the serving benchmarks: catalog sizes, request mixes, medians over rounds. */

/** Median of any numbers (mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `10000,100000`, `10k,100k` or `1e5` → whole numbers > 0, in the order given. */
export function parseSizes(text: string): number[] {
  const parts = text.split(',').filter((part) => part.trim() !== '');
  if (parts.length === 0) throw new RangeError('no catalog size given');
  return parts.map((part) => {
    const trimmed = part.trim().toLowerCase().replace(/_/g, '');
    const match = /^(\d+(?:\.\d+)?(?:e\d+)?)(k|m)?$/.exec(trimmed);
    const n = match
      ? Number(match[1]) * (match[2] === 'k' ? 1e3 : match[2] === 'm' ? 1e6 : 1)
      : NaN;
    if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`not a catalog size: '${part}'`);
    return n;
  });
}

/** `list[i]`, wrapping around both ways: request `i` of an endless mix. */
export const cycle =
  <T>(list: readonly T[]) =>
  (i: number): T =>
    list[((i % list.length) + list.length) % list.length]!;

/** One route's figures in one round. */
export interface RoundFigures {
  readonly p50: number;
  readonly p99: number;
  readonly requestsPerSecond: number;
}

/**
 * The median of each figure over the rounds. Rounds alternate the routes, so
 * a burst of load from elsewhere on a shared machine spoils one round of
 * each rather than one route; the median then drops that round.
 */
export function medianOfRounds(rounds: readonly RoundFigures[]): RoundFigures {
  return {
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
  };
}

/**
 * Route ÷ baseline per round (the two measured minutes apart at most, under
 * the same machine load), then the median of those ratios: steadier than a
 * ratio of two medians taken from different rounds.
 */
export function medianRatio(
  route: readonly RoundFigures[],
  baseline: readonly RoundFigures[],
  figure: keyof RoundFigures,
): number {
  if (route.length !== baseline.length) {
    throw new RangeError(`rounds differ: ${route.length} for the route, ${baseline.length} for the baseline`);
  }
  return median(route.map((r, i) => r[figure] / baseline[i]![figure]));
}
