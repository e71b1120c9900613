import type { ShopperProfileDocument } from '@pulse/shoppers/projections/shopper-profile.document';

/** Where the recommendations will be shown. */
export type RecommendationContext =
  | { readonly kind: 'home' }
  /** A product page: recommendations around `itemId`, which itself is never returned. */
  | { readonly kind: 'product'; readonly itemId: string }
  /**
   * The cart page. The cart is the profile's; `itemIds` adds lines the shop
   * holds itself (an anonymous cart, or lines not reported as events yet).
   */
  | { readonly kind: 'cart'; readonly itemIds?: readonly string[] };

/** Hard constraints from the shop; they win over everything, promotions included. */
export interface RecommendationRules {
  /** Only items with one of these category keys, at any level (`Shoes`, `Shoes>Running`). */
  readonly includeCategories?: readonly string[];
  /** No item with one of these category keys, at any level. */
  readonly excludeCategories?: readonly string[];
  /** Only these brands (exact). */
  readonly includeBrands?: readonly string[];
  /** None of these brands (exact). */
  readonly excludeBrands?: readonly string[];
  /** Inclusive bounds, in the items' own currency (a shop has one). */
  readonly minPrice?: number;
  readonly maxPrice?: number;
  readonly excludeItemIds?: readonly string[];
}

/** Every given criterion must hold (AND); list criteria match any of their values. */
export interface PromotionFilter {
  readonly categories?: readonly string[];
  readonly brands?: readonly string[];
  readonly itemIds?: readonly string[];
  /** Listed within this many days of `now`. */
  readonly newerThanDays?: number;
  /** Only items on sale (see PipelineOptions.isOnSale). `false` is no constraint. */
  readonly onSale?: boolean;
}

export interface Promotion {
  /** Share of the slots reserved for matching items: round(limit·share) slots. 0..1. */
  readonly share: number;
  readonly filter: PromotionFilter;
  /** Shown in the `promoted` reason, e.g. a campaign name. */
  readonly label?: string;
}

/** Signal name → weight (>= 0); only the ratios matter (the blend divides by their sum). */
export type SignalWeights = Readonly<Record<string, number>>;

export interface RecommendationRequest {
  readonly shopperId?: string;
  /** The shopper's profile as loaded by the caller; null/absent: anonymous or unknown. */
  readonly profile?: ShopperProfileDocument | null;
  readonly context: RecommendationContext;
  /** 1..maxLimit (PipelineOptions, default 100). */
  readonly limit: number;
  readonly rules?: RecommendationRules;
  readonly promotion?: Promotion;
  /** Epoch ms every decayed score and relative time is read at. */
  readonly now: number;
  /** 0 = pure relevance order … 1 = strongest diversification (MMR). Default PipelineOptions.defaults.diversity. */
  readonly diversity?: number;
  /** Share of slots reserved for new arrivals, 0..1. Default PipelineOptions.defaults.explorationShare. */
  readonly explorationShare?: number;
  /** Overrides of the strategy's weights, by signal name. */
  readonly weights?: SignalWeights;
  /**
   * 'auto' (default): personalized, or cold_start when the profile says nothing.
   * 'popular': the plain-popularity baseline (same filters), for A/B comparison.
   * 'model': the serving model alone, its candidates in its order (same
   * filters and rules), for A/B tests and judging a model on live traffic;
   * refused when no model is serving.
   */
  readonly strategy?: 'auto' | 'popular' | 'model';
  /** Category keys whose purchased items may be recommended again (consumables). Default: the pipeline's. */
  readonly repeatPurchaseCategories?: readonly string[];
  /** A registered scorer to use instead of the strategy's (A/B tests of models). */
  readonly scorer?: string;
  /** Registered generators to use instead of the strategy's (A/B tests of models). */
  readonly generators?: readonly string[];
}

/** GET /v1/items/:id/similar */
export interface SimilarItemsRequest {
  readonly itemId: string;
  readonly limit: number;
  readonly now: number;
  readonly rules?: RecommendationRules;
  /** When known: the shopper's purchases and cart are filtered out; it does not personalise the order. */
  readonly profile?: ShopperProfileDocument | null;
  readonly diversity?: number;
  readonly weights?: SignalWeights;
  readonly repeatPurchaseCategories?: readonly string[];
}

/** The context as RecommendationsServed records it: `home`, `cart` or `product:<itemId>`. */
export function describeContext(context: RecommendationContext): string {
  return context.kind === 'product' ? `product:${context.itemId}` : context.kind;
}
