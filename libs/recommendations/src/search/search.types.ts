import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';

/** The text fields searched, in the order the index stores them. */
export const SEARCH_FIELDS = ['title', 'brand', 'category', 'description'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

/**
 * What the index needs of a catalog read-model document; a whole
 * CatalogItemDocument is accepted as it is. `categoryKeys` is derived from
 * `categoryPath` when missing.
 */
export type SearchableItem = Pick<
  CatalogItemDocument,
  | 'itemId'
  | 'title'
  | 'description'
  | 'brand'
  | 'categoryPath'
  | 'price'
  | 'currency'
  | 'inStock'
  | 'status'
> & { readonly categoryKeys?: readonly string[] };

export interface SearchIndexOptions {
  /** BM25F field weights. Default title 3, brand 2, category 2, description 1. */
  readonly fieldWeights?: Partial<Record<SearchField, number>>;
  /** BM25 length normalisation per field, 0 (none) to 1 (full). Default 0.75 each. */
  readonly lengthNormalisation?: Partial<Record<SearchField, number>>;
  /** BM25 term-frequency saturation. Default 1.2. */
  readonly k1?: number;
  /**
   * Upper bounds of the price facet's buckets, ascending; the last bucket is
   * open-ended. Default 10, 25, 50, 100, 250, 500, 1000.
   */
  readonly priceBuckets?: readonly number[];
  /** Most completions tried for a last word being typed. Default 30. */
  readonly maxCompletions?: number;
  /** Most corrections tried for a misspelt word. Default 8. */
  readonly maxCorrections?: number;
  /**
   * A known word is also corrected when at most this many items hold it
   * (catalog text has typos of its own). Default 2.
   */
  readonly rareWordMaxItems?: number;
  /** Score multipliers for the ways a query word can match. */
  readonly matchWeights?: Partial<MatchWeights>;
  /** Most values per facet (per level for categories). Default 100. */
  readonly maxFacetValues?: number;
}

export interface MatchWeights {
  /** A completion of the word being typed. */
  readonly completion: number;
  /** A correction one edit away. */
  readonly typo1: number;
  /** A correction two edits away. */
  readonly typo2: number;
  /** A Chinese/Japanese character the item contains (required, weak evidence). */
  readonly cjkCharacter: number;
  /** A character pair the item contains. */
  readonly cjkBigram: number;
  /** A segmenter word the item contains. */
  readonly cjkWord: number;
}

export interface SearchFilters {
  /** Items under any of these categories, at any level (`Shoes` or `Shoes>Running`). */
  readonly categoryKey?: string | readonly string[];
  /** Items of any of these brands (case and width insensitive). */
  readonly brand?: string | readonly string[];
  /** Inclusive. */
  readonly minPrice?: number;
  /** Inclusive. */
  readonly maxPrice?: number;
  readonly currency?: string;
  readonly inStock?: boolean;
  /** Default 'active': delisted items are found only when asked for. */
  readonly status?: 'active' | 'delisted' | 'any';
}

export interface SearchOptions {
  readonly filters?: SearchFilters;
  /** Default 0. */
  readonly offset?: number;
  /** Default 20. */
  readonly limit?: number;
  /** Count facets over every matched item. Default false. */
  readonly facets?: boolean;
  /** Complete the last word when the query does not end with a separator. Default true. */
  readonly prefix?: boolean;
  /** Correct misspelt words. Default true. */
  readonly typos?: boolean;
}

export interface TermCorrection {
  /** As the shopper typed it (normalised). */
  readonly from: string;
  /** The catalog word used instead. */
  readonly to: string;
}

export interface MatchExplanation {
  /** Catalog terms the item matched on, one per query word (several for Chinese). */
  readonly terms: string[];
  /** Fields those terms occur in, in field order. */
  readonly fields: SearchField[];
  readonly typoCorrections?: TermCorrection[];
  /** Words being typed that matched as the start of a longer word. */
  readonly completions?: TermCorrection[];
}

export interface SearchHit {
  readonly itemId: string;
  readonly score: number;
  readonly matched: MatchExplanation;
}

export interface CategoryFacetValue {
  /** As in categoryKeys: `Shoes>Running`. */
  readonly key: string;
  /** The last level's name: `Running`. */
  readonly name: string;
  /** 0 for a root category. */
  readonly level: number;
  readonly count: number;
}

export interface BrandFacetValue {
  /** As the catalog spells it (first spelling seen). */
  readonly brand: string;
  readonly count: number;
}

export interface PriceFacetValue {
  /** Inclusive. */
  readonly from: number;
  /** Exclusive; absent for the open-ended last bucket. */
  readonly to?: number;
  readonly count: number;
}

export interface SearchFacets {
  /** Level by level from the root, most frequent first within a level. */
  readonly categories: CategoryFacetValue[];
  /** Most frequent first. */
  readonly brands: BrandFacetValue[];
  /** Every bucket, empty ones included, in price order. */
  readonly priceRanges: PriceFacetValue[];
  readonly inStock: { readonly inStock: number; readonly outOfStock: number };
}

export interface SearchResult {
  /** Items matching the query and filters, before pagination. */
  readonly total: number;
  readonly hits: SearchHit[];
  readonly facets?: SearchFacets;
  /**
   * No item matched every query word, so these match some of them (items
   * matching more words first). Lets the front end say "showing results for
   * part of your search".
   */
  readonly partial?: boolean;
}

export interface SearchIndexStats {
  /** Items held, delisted ones included. */
  readonly items: number;
  readonly terms: number;
  readonly postings: number;
  /** Postings of removed or re-indexed items, dropped at the next compaction. */
  readonly deadPostings: number;
  readonly dictionaryWords: number;
}
