import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import type { DocumentFilter } from '@pulse/platform/document-store/document-store.port';
import { fieldsOf } from '@pulse/platform/projections/projection';
import type { ReadModelReader } from '@pulse/platform/projections/read-models';
import type {
  ItemQuery,
  NewestQuery,
  RecommendationData,
  TrendingQuery,
} from '../pipeline/recommendation-data.port';
import type { ItemStatisticsDocument } from '../projections/item-statistics.document';
import { trendingAt } from '../projections/popularity';

/**
 * The pipeline's data port over the service's read models. Popularity is
 * ordered exactly by the index on `popularityRank`; trending is pre-selected
 * by its stored snapshot and re-ranked at `now` (the snapshot is only
 * approximately in order), so it fetches a few times more than asked.
 */
export class ReadModelRecommendationData implements RecommendationData {
  constructor(
    private readonly readModels: ReadModelReader,
    private readonly trendingOversample = 4,
  ) {}

  async statisticsByIds(itemIds: readonly string[]) {
    return this.documents<ItemStatisticsDocument>('item_statistics', itemIds);
  }

  async catalogItemsByIds(itemIds: readonly string[]) {
    return this.documents<CatalogItemDocument>('catalog_items', itemIds);
  }

  async popularItems(query: ItemQuery) {
    const docs = await this.readModels.find('item_statistics', this.filter(query), {
      sort: { popularityRank: -1 },
      limit: query.limit,
    });
    return docs.map((doc) => fieldsOf(doc) as ItemStatisticsDocument);
  }

  async trendingItems(query: TrendingQuery) {
    const docs = await this.readModels.find('item_statistics', this.filter(query), {
      sort: { trending: -1 },
      limit: query.limit * this.trendingOversample,
    });
    return docs
      .map((doc) => fieldsOf(doc) as ItemStatisticsDocument)
      .map((doc) => ({ doc, trending: trendingAt(doc, query.now) }))
      .sort((a, b) => b.trending - a.trending || (a.doc.itemId < b.doc.itemId ? -1 : 1))
      .slice(0, query.limit)
      .map(({ doc }) => doc);
  }

  async newestItems(query: NewestQuery) {
    const filter: Record<string, DocumentFilter[string]> = { ...this.filter(query) };
    if (query.listedAfter) filter.listedAt = { $gte: query.listedAfter };
    const docs = await this.readModels.find('catalog_items', filter, { sort: { listedAt: -1 }, limit: query.limit });
    return docs.map((doc) => fieldsOf(doc) as CatalogItemDocument);
  }

  private filter(query: ItemQuery): DocumentFilter {
    const filter: Record<string, DocumentFilter[string]> = { status: 'active' };
    if (query.categoryKey) filter.categoryKeys = query.categoryKey;
    if (query.brand) filter.brand = query.brand;
    if (query.inStockOnly) filter.inStock = true;
    return filter;
  }

  private async documents<Doc>(readModel: string, ids: readonly string[]): Promise<Map<string, Doc>> {
    const found = await this.readModels.getMany(readModel, [...new Set(ids)]);
    return new Map([...found].map(([id, doc]) => [id, fieldsOf(doc) as Doc]));
  }
}
