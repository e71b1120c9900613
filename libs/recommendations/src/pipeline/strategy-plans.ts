import type { SignalWeights } from './recommendation-request';
import type { BuiltInStrategyName } from './recommendation-result';

/** What a strategy runs. */
export interface StrategyPlan {
  /** Registered generator names, run concurrently; their candidates are merged. */
  readonly generators: readonly string[];
  /** Registered scorer name. */
  readonly scorer: string;
  /** Signal weights of the scorer (the request may override some). */
  readonly weights: SignalWeights;
  /** Apply the request's diversity (MMR); off = plain relevance order. */
  readonly diversify: boolean;
  /** Reserve the exploration share for new arrivals. */
  readonly explore: boolean;
}

/**
 * Personalised weights. Co-occurrence leads (what the shopper did minutes
 * ago says most), interest in categories and brands next, then what everyone
 * likes. contextMatch only counts on a product page.
 */
export const DEFAULT_WEIGHTS: SignalWeights = {
  coOccurrence: 0.3,
  categoryAffinity: 0.15,
  brandAffinity: 0.08,
  priceAffinity: 0.05,
  popularity: 0.15,
  trending: 0.07,
  freshness: 0.05,
  contextMatch: 0.15,
};

/** Similar items: neighbours of the item first, then the same category, popular ones first. */
export const SIMILAR_WEIGHTS: SignalWeights = {
  coOccurrence: 0.5,
  contextMatch: 0.3,
  popularity: 0.15,
  trending: 0.05,
};

export const DEFAULT_STRATEGIES: Readonly<Record<BuiltInStrategyName, StrategyPlan>> = {
  personalized: {
    generators: [
      'co_occurrence',
      'category_popularity',
      'brand_popularity',
      'trending',
      'new_items',
      'popular',
    ],
    scorer: 'linear_blend',
    weights: DEFAULT_WEIGHTS,
    diversify: true,
    explore: true,
  },
  cold_start: {
    generators: ['co_occurrence', 'cold_start', 'new_items', 'popular'],
    scorer: 'linear_blend',
    weights: DEFAULT_WEIGHTS,
    diversify: true,
    explore: true,
  },
  // The A/B baseline: what a shop without Pulse would show.
  popular: {
    generators: ['popular'],
    scorer: 'popularity',
    weights: { popularity: 1 },
    diversify: false,
    explore: false,
  },
  similar: {
    generators: ['co_occurrence', 'cold_start'],
    scorer: 'linear_blend',
    weights: SIMILAR_WEIGHTS,
    diversify: true,
    explore: false,
  },
};
