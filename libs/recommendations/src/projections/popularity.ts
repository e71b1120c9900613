import { addDecayed, decayedRank, valueAt, type DecayedScore } from '@pulse/platform/time/decay';
import type { ItemStatisticsDocument } from './item-statistics.document';
import type {
  ResolvedItemStatisticsOptions,
  StatisticsInteraction,
} from './item-statistics.options';

/** The fields of a statistics document that interactions change (besides neighbours). */
export type PopularityFields = Pick<
  ItemStatisticsDocument,
  | 'views'
  | 'carts'
  | 'purchases'
  | 'purchasedUnits'
  | 'viewToCartRate'
  | 'viewToPurchaseRate'
  | 'decayed'
  | 'popularityScore'
  | 'popularity'
  | 'popularityRank'
  | 'trendingShort'
  | 'trendingLong'
  | 'trending'
  | 'firstInteractionAt'
  | 'lastInteractionAt'
>;

export function emptyPopularity(options: ResolvedItemStatisticsOptions): PopularityFields {
  return {
    views: 0,
    carts: 0,
    purchases: 0,
    purchasedUnits: 0,
    viewToCartRate: smoothedRate(0, 0, options.ratePrior.cartRate, options.ratePrior.views),
    viewToPurchaseRate: smoothedRate(0, 0, options.ratePrior.purchaseRate, options.ratePrior.views),
    decayed: {},
    popularity: 0,
    popularityRank: decayedRank(undefined, options.popularityHalfLifeMs),
    trending: 0,
  };
}

/** Counts one interaction at `at` (epoch ms of its occurredAt). */
export function withInteraction(
  fields: PopularityFields,
  interaction: { type: StatisticsInteraction; at: number; occurredAt: string; quantity?: number },
  options: ResolvedItemStatisticsOptions,
): PopularityFields {
  const { type, at, occurredAt } = interaction;
  const weight = options.weights[type];
  const views = fields.views + (type === 'view' ? 1 : 0);
  const carts = fields.carts + (type === 'add_to_cart' ? 1 : 0);
  const purchases = fields.purchases + (type === 'purchase' ? 1 : 0);
  const popularityScore = addDecayed(
    fields.popularityScore,
    weight,
    at,
    options.popularityHalfLifeMs,
  );
  const trendingShort = addDecayed(
    fields.trendingShort,
    weight,
    at,
    options.trendingShortHalfLifeMs,
  );
  const trendingLong = addDecayed(fields.trendingLong, weight, at, options.trendingLongHalfLifeMs);
  return {
    views,
    carts,
    purchases,
    purchasedUnits: fields.purchasedUnits + (type === 'purchase' ? (interaction.quantity ?? 1) : 0),
    viewToCartRate: smoothedRate(carts, views, options.ratePrior.cartRate, options.ratePrior.views),
    viewToPurchaseRate: smoothedRate(
      purchases,
      views,
      options.ratePrior.purchaseRate,
      options.ratePrior.views,
    ),
    decayed: {
      ...fields.decayed,
      [type]: addDecayed(fields.decayed[type], 1, at, options.popularityHalfLifeMs),
    },
    popularityScore,
    popularity: popularityScore.value,
    popularityRank: decayedRank(popularityScore, options.popularityHalfLifeMs),
    trendingShort,
    trendingLong,
    trending: trendingScore(
      trendingShort,
      trendingLong,
      Math.max(trendingShort.at, trendingLong.at),
      options,
    ),
    firstInteractionAt: earlier(fields.firstInteractionAt, occurredAt),
    lastInteractionAt: later(fields.lastInteractionAt, occurredAt),
  };
}

/**
 * `(successes + priorViews·priorRate) / (views + priorViews)`, at most 1:
 * an item with 1 view and 1 cart add is not a 100 % converter, and every
 * item starts at the prior rate. Cart adds straight from a listing page can
 * outnumber views, hence the cap.
 */
export function smoothedRate(
  successes: number,
  views: number,
  priorRate: number,
  priorViews: number,
): number {
  return Math.min(1, (successes + priorViews * priorRate) / (views + priorViews));
}

/**
 * Recent activity against usual activity, both decayed to `now`:
 *
 *   (short · longHalfLife/shortHalfLife + m) / (long + m)
 *
 * Under a steady rate of interactions a decayed sum is proportional to its
 * half-life, so scaling the short sum by the ratio of half-lives makes a
 * steady item score 1; a burst scores above 1 (at most the ratio), a cooling
 * item below. `m` (trendingSmoothing) keeps a handful of interactions from
 * looking like a trend. 0 when the item has no interactions at all.
 */
export function trendingScore(
  short: DecayedScore | undefined,
  long: DecayedScore | undefined,
  now: number,
  options: Pick<
    ResolvedItemStatisticsOptions,
    'trendingShortHalfLifeMs' | 'trendingLongHalfLifeMs' | 'trendingSmoothing'
  >,
): number {
  if (short === undefined || long === undefined) return 0;
  const scale = options.trendingLongHalfLifeMs / options.trendingShortHalfLifeMs;
  const recent = valueAt(short, now, options.trendingShortHalfLifeMs) * scale;
  const usual = valueAt(long, now, options.trendingLongHalfLifeMs);
  return (recent + options.trendingSmoothing) / (usual + options.trendingSmoothing);
}

/** Popularity of a statistics document decayed to `now`, for readers. */
export function popularityAt(doc: ItemStatisticsDocument, now: number): number {
  return valueAt(doc.popularityScore, now, doc.scoring.popularityHalfLifeMs);
}

/** Trending of a statistics document at `now`, for readers. */
export function trendingAt(doc: ItemStatisticsDocument, now: number): number {
  return trendingScore(doc.trendingShort, doc.trendingLong, now, doc.scoring);
}

function earlier(a: string | undefined, b: string): string {
  return a !== undefined && Date.parse(a) <= Date.parse(b) ? a : b;
}

function later(a: string | undefined, b: string): string {
  return a !== undefined && Date.parse(a) >= Date.parse(b) ? a : b;
}
