import { coverage, gini } from '@pulse/recommendations/metrics/exposure';
import type { SeededRandom } from '@pulse/testing/synthetic/shop/random';
import { type LatencySummary, summarise } from './bench-support';
import type { ServedList } from './ctr-player';
import { bootstrapCtr, wilsonInterval } from './ctr-statistics';

/** One arm's figures in `bench ctr`, from the lists it served and what the click model did with them. */

export interface ArmFigures {
  readonly responses: number;
  readonly impressions: number;
  readonly clicks: number;
  readonly ctr: number;
  /** Cluster bootstrap over served lists, 95%. */
  readonly ctrCi95: [number, number];
  /** Binomial over impressions (ignores within-list correlation), 95%. */
  readonly ctrWilson95: [number, number];
  /** Mean click probability of the items shown, under the shop's click model. */
  readonly expectedCtr: number;
  readonly addToCarts: number;
  readonly addToCartRate: number;
  readonly purchases: number;
  readonly purchaseRate: number;
  readonly distinctItems: number;
  readonly coverage: number;
  readonly exposureGini: number;
  readonly latencyMs: LatencySummary;
}

export function armFigures(
  lists: readonly ServedList[],
  activeItems: number,
  random: SeededRandom,
  resamples: number,
): ArmFigures {
  const sum = (f: (l: ServedList) => number) => lists.reduce((s, l) => s + f(l), 0);
  const impressions = sum((l) => l.impressions);
  const clicks = sum((l) => l.clicks);
  const carts = sum((l) => l.carts);
  const purchases = sum((l) => l.purchases);
  const exposure = new Map<string, number>();
  for (const l of lists)
    for (const id of new Set(l.itemIds)) exposure.set(id, (exposure.get(id) ?? 0) + 1);
  const counts = [...exposure.values()];
  const zeros = Math.max(0, activeItems - counts.length);
  const boot = bootstrapCtr(lists, [], resamples, random);
  const rate = (n: number) => (impressions > 0 ? n / impressions : Number.NaN);
  return {
    responses: lists.length,
    impressions,
    clicks,
    ctr: rate(clicks),
    ctrCi95: boot.a.ci,
    ctrWilson95: wilsonInterval(clicks, impressions),
    expectedCtr: rate(sum((l) => l.expectedClicks)),
    addToCarts: carts,
    addToCartRate: rate(carts),
    purchases,
    purchaseRate: rate(purchases),
    distinctItems: counts.length,
    coverage: coverage(counts.length, activeItems),
    exposureGini: gini([...counts, ...new Array<number>(zeros).fill(0)]),
    latencyMs: summarise(lists.map((l) => l.ms)),
  };
}

