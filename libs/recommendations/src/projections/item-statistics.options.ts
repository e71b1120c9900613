/** Interactions that feed item statistics, and how much each one counts. */
export type StatisticsInteraction = 'view' | 'add_to_cart' | 'purchase';

export interface ItemStatisticsOptions {
  /** Half-life of `popularityScore` and the per-type decayed scores. */
  readonly popularityHalfLifeMs: number;
  /** The "recent" window of `trending` (e.g. a day). */
  readonly trendingShortHalfLifeMs: number;
  /** The "usual" window of `trending` (e.g. a few weeks); longer than the short one. */
  readonly trendingLongHalfLifeMs: number;
  /** k: entries kept in each of alsoViewed / alsoBought (e.g. 20). */
  readonly neighbours: number;
  /** Recent items per session (viewed, and bought) that new ones are paired with (e.g. 20). */
  readonly sessionWindow: number;
  /** Half-life of neighbour scores. Default: popularityHalfLifeMs. */
  readonly neighbourHalfLifeMs?: number;
  /** Weights of one interaction in popularity and trending. Default view 1, add_to_cart 3, purchase 5. */
  readonly weights?: Partial<Record<StatisticsInteraction, number>>;
  /**
   * Pseudo-activity added to both windows of `trending` (in weighted
   * interactions), so an item with two views doesn't look like a trend.
   * Default 5.
   */
  readonly trendingSmoothing?: number;
  /**
   * Prior of the conversion rates: `(carts + priorViews * cartRate) / (views + priorViews)`,
   * i.e. every item starts as if it had `priorViews` views converting at the
   * prior rates. Default 20 views, cart rate 0.05, purchase rate 0.01.
   */
  readonly ratePrior?: {
    readonly views?: number;
    readonly cartRate?: number;
    readonly purchaseRate?: number;
  };
}

export type ResolvedItemStatisticsOptions = {
  readonly popularityHalfLifeMs: number;
  readonly trendingShortHalfLifeMs: number;
  readonly trendingLongHalfLifeMs: number;
  readonly neighbours: number;
  readonly sessionWindow: number;
  readonly neighbourHalfLifeMs: number;
  readonly weights: Readonly<Record<StatisticsInteraction, number>>;
  readonly trendingSmoothing: number;
  readonly ratePrior: {
    readonly views: number;
    readonly cartRate: number;
    readonly purchaseRate: number;
  };
};

export const DEFAULT_STATISTICS_WEIGHTS: Readonly<Record<StatisticsInteraction, number>> = {
  view: 1,
  add_to_cart: 3,
  purchase: 5,
};

/** Fills defaults and refuses bad values at start-up, naming the option. */
export function resolveItemStatisticsOptions(
  options: ItemStatisticsOptions,
): ResolvedItemStatisticsOptions {
  const resolved: ResolvedItemStatisticsOptions = {
    popularityHalfLifeMs: options.popularityHalfLifeMs,
    trendingShortHalfLifeMs: options.trendingShortHalfLifeMs,
    trendingLongHalfLifeMs: options.trendingLongHalfLifeMs,
    neighbours: options.neighbours,
    sessionWindow: options.sessionWindow,
    neighbourHalfLifeMs: options.neighbourHalfLifeMs ?? options.popularityHalfLifeMs,
    weights: { ...DEFAULT_STATISTICS_WEIGHTS, ...options.weights },
    trendingSmoothing: options.trendingSmoothing ?? 5,
    ratePrior: { views: 20, cartRate: 0.05, purchaseRate: 0.01, ...options.ratePrior },
  };
  const positive = (name: string, value: number) => {
    if (!(Number.isFinite(value) && value > 0)) fail(name, 'a positive number', value);
  };
  const positiveInteger = (name: string, value: number) => {
    if (!(Number.isSafeInteger(value) && value > 0)) fail(name, 'a positive integer', value);
  };
  positive('popularityHalfLifeMs', resolved.popularityHalfLifeMs);
  positive('trendingShortHalfLifeMs', resolved.trendingShortHalfLifeMs);
  positive('trendingLongHalfLifeMs', resolved.trendingLongHalfLifeMs);
  positive('neighbourHalfLifeMs', resolved.neighbourHalfLifeMs);
  if (resolved.trendingLongHalfLifeMs <= resolved.trendingShortHalfLifeMs) {
    fail(
      'trendingLongHalfLifeMs',
      'longer than trendingShortHalfLifeMs',
      resolved.trendingLongHalfLifeMs,
    );
  }
  positiveInteger('neighbours', resolved.neighbours);
  // A window of one item has nothing to pair a new item with.
  if (!(Number.isSafeInteger(resolved.sessionWindow) && resolved.sessionWindow >= 2)) {
    fail('sessionWindow', 'an integer of at least 2', resolved.sessionWindow);
  }
  for (const [kind, weight] of Object.entries(resolved.weights))
    positive(`weights.${kind}`, weight);
  positive('trendingSmoothing', resolved.trendingSmoothing);
  positive('ratePrior.views', resolved.ratePrior.views);
  for (const name of ['cartRate', 'purchaseRate'] as const) {
    const rate = resolved.ratePrior[name];
    if (!(rate >= 0 && rate <= 1)) fail(`ratePrior.${name}`, 'between 0 and 1', rate);
  }
  return resolved;
}

function fail(name: string, expected: string, value: unknown): never {
  throw new RangeError(`item statistics option ${name} must be ${expected}, got ${String(value)}`);
}
