import type { Reason } from './explanations/reason';

export type StrategyName = 'personalized' | 'cold_start' | 'popular' | 'similar' | 'model';
/** The strategies every pipeline has; 'model' exists only where a model library supplies its plan. */
export type BuiltInStrategyName = Exclude<StrategyName, 'model'>;

/** Which slot an item fills: earned on relevance, or one of the reserved shares. */
export type SlotKind = 'organic' | 'promoted' | 'exploration';

export interface RecommendedItem {
  readonly itemId: string;
  /**
   * The score the list is ordered by, 0..1: relevance (normalised to the best
   * candidate) blended with novelty against the items above it (MMR); equal
   * to the normalised relevance when diversity is 0. Non-increasing down the
   * organic slots; reserved slots sit at fixed positions (see reserved-slots.ts).
   */
  readonly score: number;
  /** The scorer's blended score before diversification (unnormalised). */
  readonly relevance: number;
  readonly slot: SlotKind;
  /** Why, with the facts behind it, most important first; never empty. */
  readonly reasons: readonly Reason[];
  /** Every signal, normalised to 0..1. */
  readonly signals: Readonly<Record<string, number>>;
  /** Each signal's share of `relevance` (the scorer's weight times the signal). */
  readonly contributions: Readonly<Record<string, number>>;
  /** Names of the generators that proposed the item. */
  readonly sources: readonly string[];
}

/** Candidates removed, each counted once under the first rule it broke (in this order). */
export interface FilteredOutCounts {
  /** No catalog document, delisted, or an 'unknown' statistics status. */
  unavailable: number;
  /** The product of a product context, or the anchor of similar items. */
  contextItem: number;
  bought: number;
  inCart: number;
  /** Touched in the current session (PipelineOptions.excludeSessionItems). */
  seen: number;
  outOfStock: number;
  /** The request's rules (categories, brands, price, excluded ids). */
  rules: number;
}

export interface ReservedSlots {
  /** Slots set aside: round(limit·share), capped by the limit. */
  readonly reserved: number;
  /** Slots actually given to matching items (fewer when not enough eligible items match). */
  readonly filled: number;
}

export interface RecommendationResult {
  readonly items: readonly RecommendedItem[];
  readonly strategy: StrategyName;
  readonly scorer: string;
  readonly generators: readonly string[];
  /** Set when a model-based generator or scorer took part. */
  readonly modelVersion?: string;
  /** Distinct items proposed by the generators (and the promotion), before filtering. */
  readonly candidatesConsidered: number;
  readonly filteredOut: FilteredOutCounts;
  readonly promotion?: ReservedSlots;
  readonly exploration: ReservedSlots;
}

export interface SimilarItemsResult extends RecommendationResult {
  /** The item asked about, or null when the catalog does not know it (then `items` is empty). */
  readonly anchor: { readonly itemId: string; readonly title: string } | null;
}
