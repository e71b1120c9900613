/**
 * The fact that made a generator propose an item. Explanations are built
 * from these (never from guesses), so every reason points at something that
 * is true: an item the shopper viewed at a given time, a category they like.
 */
export type Evidence =
  | CoOccurrenceEvidence
  | CategoryPopularityEvidence
  | BrandPopularityEvidence
  | TrendingEvidence
  | NewArrivalEvidence
  | PopularityEvidence
  | PromotionEvidence
  | ModelEvidence;

/** How the shopper relates to the item a co-occurrence starts from. */
export type SourceInteraction =
  'viewed' | 'added_to_cart' | 'bought' | 'current_product' | 'in_cart';

export interface CoOccurrenceSource {
  readonly itemId: string;
  readonly interaction: SourceInteraction;
  /** When the shopper did it (ISO); absent for the current product and cart lines. */
  readonly occurredAt?: string;
  /** Recency and kind of the interaction, 0..1: how much this source counts. */
  readonly weight: number;
}

export interface CoOccurrenceEvidence {
  readonly kind: 'co_occurrence';
  readonly relation: 'also_viewed' | 'also_bought';
  readonly source: CoOccurrenceSource;
  /** The neighbour's decayed score relative to the source's strongest neighbour, shrunk: 0..1. */
  readonly strength: number;
}

export interface CategoryPopularityEvidence {
  readonly kind: 'category_popularity';
  readonly categoryKey: string;
  /** 'interest': one of the shopper's top categories; 'context': the product's or the cart's. */
  readonly basis: 'interest' | 'context';
  readonly popularity: number;
}

export interface BrandPopularityEvidence {
  readonly kind: 'brand_popularity';
  readonly brand: string;
  readonly popularity: number;
}

export interface TrendingEvidence {
  readonly kind: 'trending';
  /** Absent: trending in the whole shop. */
  readonly categoryKey?: string;
  /** trendingAt(now): above 1 is rising. */
  readonly trending: number;
}

export interface NewArrivalEvidence {
  readonly kind: 'new_arrival';
  readonly listedAt: string;
  readonly categoryKey?: string;
}

export interface PopularityEvidence {
  readonly kind: 'popularity';
  readonly popularity: number;
}

export interface PromotionEvidence {
  readonly kind: 'promotion';
  readonly label?: string;
}

/** For model-based generators (models issue): the model that proposed the item. */
export interface ModelEvidence {
  readonly kind: 'model';
  readonly model: string;
  readonly modelVersion?: string;
  /** The signal its score feeds (the generator's SignalSpec name); default 'model'. */
  readonly signal?: string;
  /** Optional human-readable basis, e.g. "based on your last 5 views". */
  readonly text?: string;
}
