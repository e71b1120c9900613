import type { SourceInteraction } from '../candidates/evidence';

/**
 * Why an item is recommended: a stable `code` for the shop's own wording, an
 * English `text`, and the facts it rests on (ids, titles, ISO times) so
 * nothing in the text has to be parsed back.
 */
export type Reason =
  | CoOccurrenceReason
  | CategoryReason
  | BrandAffinityReason
  | PriceAffinityReason
  | PopularReason
  | TrendingReason
  | NewArrivalReason
  | PromotedReason
  | SameCategoryReason
  | ModelReason;

export type ReasonCode = Reason['code'];

export interface CoOccurrenceReason {
  /** "often viewed with <title>" / "often bought with <title>". */
  readonly code: 'also_viewed' | 'also_bought';
  readonly text: string;
  readonly sourceItemId: string;
  readonly sourceTitle: string;
  /** e.g. "viewed 3 min ago", "in your cart", "viewing now". */
  readonly sourceInteraction: string;
  readonly sourceInteractionType: SourceInteraction;
  /** ISO; absent for the current product and cart lines. */
  readonly sourceOccurredAt?: string;
}

export interface CategoryReason {
  /** "matches your interest in <category>" / "popular in <category>". */
  readonly code: 'category_affinity' | 'popular_in_category';
  readonly text: string;
  /** e.g. `Shoes>Running`. */
  readonly categoryKey: string;
  /** Its last level, as shown: `Running`. */
  readonly category: string;
}

export interface BrandAffinityReason {
  /** "matches your interest in <brand>". */
  readonly code: 'brand_affinity';
  readonly text: string;
  readonly brand: string;
}

export interface PriceAffinityReason {
  /** "in your usual price range (EUR 50-100)". */
  readonly code: 'price_affinity';
  readonly text: string;
  /** As in the profile: `EUR:50-100`. */
  readonly priceBand: string;
}

export interface PopularReason {
  /** "popular right now". */
  readonly code: 'popular';
  readonly text: string;
}

export interface TrendingReason {
  /** "trending now" / "trending in <category>". */
  readonly code: 'trending' | 'trending_in_category';
  readonly text: string;
  /** Recent activity over usual activity (1 = steady). */
  readonly trending: number;
  readonly categoryKey?: string;
  readonly category?: string;
}

export interface NewArrivalReason {
  /** "new arrival, listed 3 days ago". */
  readonly code: 'new_arrival';
  readonly text: string;
  readonly listedAt: string;
  readonly listed: string;
}

export interface PromotedReason {
  readonly code: 'promoted';
  readonly text: string;
  readonly label?: string;
}

export interface SameCategoryReason {
  /** "also in <category>, like <title>". */
  readonly code: 'same_category';
  readonly text: string;
  readonly categoryKey: string;
  readonly category: string;
  readonly relatedItemId: string;
  readonly relatedTitle: string;
}

export interface ModelReason {
  readonly code: 'model';
  readonly text: string;
  readonly model: string;
  readonly modelVersion?: string;
}
