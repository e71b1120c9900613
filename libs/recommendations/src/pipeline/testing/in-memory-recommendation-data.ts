import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import { compareKeys } from '@pulse/platform/time/decayed-map';
import type { ItemStatisticsDocument } from '../../projections/item-statistics.document';
import { trendingAt } from '../../projections/popularity';
import type {
  ItemQuery,
  NewestQuery,
  RecommendationData,
  TrendingQuery,
} from '../recommendation-data.port';

/**
 * RecommendationData over plain arrays, for tests: the same filters and
 * orders the port promises, computed exactly (no index, no snapshot
 * pre-selection), ties broken by item id. Records every call so tests can
 * check the pipeline batches its reads.
 */
export class InMemoryRecommendationData implements RecommendationData {
  private readonly statistics = new Map<string, ItemStatisticsDocument>();
  private readonly catalog = new Map<string, CatalogItemDocument>();
  readonly calls: { method: keyof RecommendationData; argument: unknown }[] = [];

  constructor(
    seed: {
      statistics?: Iterable<ItemStatisticsDocument>;
      catalog?: Iterable<CatalogItemDocument>;
    } = {},
  ) {
    for (const doc of seed.statistics ?? []) this.putStatistics(doc);
    for (const doc of seed.catalog ?? []) this.putCatalogItem(doc);
  }

  putStatistics(doc: ItemStatisticsDocument): this {
    this.statistics.set(doc.itemId, doc);
    return this;
  }

  putCatalogItem(doc: CatalogItemDocument): this {
    this.catalog.set(doc.itemId, doc);
    return this;
  }

  async statisticsByIds(itemIds: readonly string[]) {
    this.calls.push({ method: 'statisticsByIds', argument: [...itemIds] });
    return pick(this.statistics, itemIds);
  }

  async catalogItemsByIds(itemIds: readonly string[]) {
    this.calls.push({ method: 'catalogItemsByIds', argument: [...itemIds] });
    return pick(this.catalog, itemIds);
  }

  async popularItems(query: ItemQuery) {
    this.calls.push({ method: 'popularItems', argument: query });
    return this.activeStatistics(query)
      .sort((a, b) => b.popularityRank - a.popularityRank || compareKeys(a.itemId, b.itemId))
      .slice(0, query.limit);
  }

  async trendingItems(query: TrendingQuery) {
    this.calls.push({ method: 'trendingItems', argument: query });
    return this.activeStatistics(query)
      .map((doc) => ({ doc, trending: trendingAt(doc, query.now) }))
      .sort((a, b) => b.trending - a.trending || compareKeys(a.doc.itemId, b.doc.itemId))
      .slice(0, query.limit)
      .map(({ doc }) => doc);
  }

  async newestItems(query: NewestQuery) {
    this.calls.push({ method: 'newestItems', argument: query });
    const after = query.listedAfter !== undefined ? Date.parse(query.listedAfter) : -Infinity;
    return [...this.catalog.values()]
      .filter(
        (doc) =>
          doc.status === 'active' && matchesScope(doc, query) && Date.parse(doc.listedAt) >= after,
      )
      .sort(
        (a, b) =>
          Date.parse(b.listedAt) - Date.parse(a.listedAt) || compareKeys(a.itemId, b.itemId),
      )
      .slice(0, query.limit);
  }

  private activeStatistics(query: ItemQuery): ItemStatisticsDocument[] {
    return [...this.statistics.values()].filter(
      (doc) => doc.status === 'active' && matchesScope(doc, query),
    );
  }
}

function matchesScope(
  doc: { categoryKeys: readonly string[]; brand: string; inStock: boolean },
  query: ItemQuery,
): boolean {
  if (query.categoryKey !== undefined && !doc.categoryKeys.includes(query.categoryKey))
    return false;
  if (query.brand !== undefined && doc.brand !== query.brand) return false;
  if (query.inStockOnly && !doc.inStock) return false;
  return true;
}

function pick<T>(source: ReadonlyMap<string, T>, ids: readonly string[]): Map<string, T> {
  const result = new Map<string, T>();
  for (const id of ids) {
    const doc = source.get(id);
    if (doc !== undefined) result.set(id, doc);
  }
  return result;
}
