import type { DecayedScore } from '@pulse/platform/time/decay';
import type { StatisticsInteraction } from './item-statistics.options';

/**
 * One document per item in read model `item_statistics` (id = itemId): how
 * the item is doing, plus the item facts needed to filter on this read model
 * alone ("popular in Shoes, in stock").
 *
 * Decayed scores ({ value, at: epoch ms }) are stored as of their last
 * update; readers decay them to now with the settings in `scoring`
 * (`valueAt`, `popularityAt`, `trendingAt`). The plain numbers next to them
 * (`popularity`, `trending`) are snapshots at the last update, good for an
 * index pre-filter, not for the final order; `popularityRank` orders like
 * popularity at ANY common instant, so an index on it is exact.
 */
export type ItemStatisticsDocument = ItemFactsFields & {
  readonly itemId: string;
  /** The settings the scores were built with, so readers decay and recompute them the same way. */
  readonly scoring: ItemScoring;
  /** Raw counts of events (not units). */
  readonly views: number;
  readonly carts: number;
  readonly purchases: number;
  /** Units bought (sum of purchase quantities). */
  readonly purchasedUnits: number;
  /** Smoothed: (carts + priorViews·priorCartRate) / (views + priorViews), at most 1. */
  readonly viewToCartRate: number;
  /** Smoothed: (purchases + priorViews·priorPurchaseRate) / (views + priorViews), at most 1. */
  readonly viewToPurchaseRate: number;
  /** Per interaction type, 1 per event, popularity half-life; absent until the first of that type. */
  readonly decayed: Readonly<Partial<Record<StatisticsInteraction, DecayedScore>>>;
  /** Weighted views + carts + purchases, popularity half-life. Absent before any interaction. */
  readonly popularityScore?: DecayedScore;
  /** popularityScore.value (at its own `at`); 0 before any interaction. */
  readonly popularity: number;
  /** log2(popularity) + at/halfLife: sorts like popularity at any common instant (decayedRank). */
  readonly popularityRank: number;
  /** The same weighted interactions, short and long half-life. */
  readonly trendingShort?: DecayedScore;
  readonly trendingLong?: DecayedScore;
  /** trendingScore at the last update: > 1 rising, < 1 cooling; 0 before any interaction. */
  readonly trending: number;
  /** Items viewed in the same sessions, strongest first at the last update, at most k. */
  readonly alsoViewed: readonly Neighbour[];
  /** Items bought in the same sessions, strongest first at the last update, at most k. */
  readonly alsoBought: readonly Neighbour[];
  /** occurredAt (ISO) of the first and latest interaction, when there was one. */
  readonly firstInteractionAt?: string;
  readonly lastInteractionAt?: string;
};

export type Neighbour = {
  readonly itemId: string;
  /** Neighbour half-life. */
  readonly score: DecayedScore;
};

/**
 * Item facts copied from the Item* events onto the statistics document.
 * 'unknown': interactions arrived before any listing (the catalog feed can
 * lag the storefront); such items have no category, brand or price yet.
 */
export type ItemFactsFields = {
  readonly status: 'active' | 'delisted' | 'unknown';
  readonly inStock: boolean;
  readonly categoryPath: readonly string[];
  /** Every level of categoryPath joined with '>' (array-any filter). */
  readonly categoryKeys: readonly string[];
  readonly brand: string;
  readonly price: number | null;
  readonly currency: string | null;
};

export type ItemScoring = {
  readonly popularityHalfLifeMs: number;
  readonly trendingShortHalfLifeMs: number;
  readonly trendingLongHalfLifeMs: number;
  readonly neighbourHalfLifeMs: number;
  readonly trendingSmoothing: number;
};
