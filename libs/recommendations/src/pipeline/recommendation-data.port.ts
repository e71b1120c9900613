import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import type { ItemStatisticsDocument } from '../projections/item-statistics.document';

/**
 * What the recommendation pipeline reads, as a port: the service implements
 * it over its read models (`item_statistics`, `catalog_items`); tests use
 * `InMemoryRecommendationData`. The shopper profile is not read through it:
 * the caller loads it once and passes it in the request.
 *
 * Every list is a candidate source, not a final order: the pipeline re-scores
 * what it gets at the request's `now`, so an implementation may pre-select by
 * a stored snapshot (e.g. `trending`) as long as it returns enough items.
 */
export interface RecommendationData {
  /** Statistics of the given items; ids without a document are absent from the map. */
  statisticsByIds(itemIds: readonly string[]): Promise<ReadonlyMap<string, ItemStatisticsDocument>>;

  /** Catalog documents of the given items; ids without a document are absent from the map. */
  catalogItemsByIds(itemIds: readonly string[]): Promise<ReadonlyMap<string, CatalogItemDocument>>;

  /** Active items (statistics `status: 'active'`), most popular first (`popularityRank` desc). */
  popularItems(query: ItemQuery): Promise<readonly ItemStatisticsDocument[]>;

  /** Active items, most trending at `now` first (`trendingAt(doc, now)` desc). */
  trendingItems(query: TrendingQuery): Promise<readonly ItemStatisticsDocument[]>;

  /** Active catalog items, newest listing first (`listedAt` desc). */
  newestItems(query: NewestQuery): Promise<readonly CatalogItemDocument[]>;
}

export interface ItemQuery {
  /** A category key at any level (`Shoes` or `Shoes>Running`); absent: every category. */
  readonly categoryKey?: string;
  /** Exact brand; absent: every brand. */
  readonly brand?: string;
  /** At most this many items. */
  readonly limit: number;
  /** Only items in stock. Default false. */
  readonly inStockOnly?: boolean;
}

export interface TrendingQuery extends ItemQuery {
  /** Epoch ms the trend is measured at. */
  readonly now: number;
}

export interface NewestQuery extends ItemQuery {
  /** Only items listed at or after this ISO instant. */
  readonly listedAfter?: string;
}

/** Injection token the service binds its adapter to (a plain symbol: no Nest import here). */
export const RECOMMENDATION_DATA = Symbol('RECOMMENDATION_DATA');
