import type { ItemStatisticsDocument } from '../../projections/item-statistics.document';
import { popularityAt } from '../../projections/popularity';
import { parentKey } from '../profile/shopper-interest';
import type { RecommendationData } from '../recommendation-data.port';

export interface ScopedPopular {
  /** The category actually used: the one asked for, or its parent when that had too few items. */
  readonly categoryKey: string;
  readonly doc: ItemStatisticsDocument;
  /** popularityAt(now) relative to the list's most popular item, 0..1. */
  readonly relative: number;
  readonly popularity: number;
}

/**
 * The most popular in-stock items of a category, widened once to its parent
 * when the category has fewer than `limit` (a leaf category of a small shop
 * may hold three items); the parent's items count `widenedWeight` as much.
 */
export async function popularInCategory(
  data: RecommendationData,
  categoryKey: string,
  limit: number,
  now: number,
  widenedWeight = 0.5,
): Promise<ScopedPopular[]> {
  const docs = await data.popularItems({ categoryKey, limit, inStockOnly: true });
  const result = relativePopularity(docs, now).map((entry) => ({ ...entry, categoryKey }));
  const parent = parentKey(categoryKey);
  if (docs.length >= limit || parent === undefined) return result;
  const wider = await data.popularItems({ categoryKey: parent, limit, inStockOnly: true });
  const have = new Set(docs.map((doc) => doc.itemId));
  for (const entry of relativePopularity(wider, now)) {
    if (have.has(entry.doc.itemId)) continue;
    result.push({ ...entry, categoryKey: parent, relative: entry.relative * widenedWeight });
  }
  return result;
}

export function relativePopularity(
  docs: readonly ItemStatisticsDocument[],
  now: number,
): { doc: ItemStatisticsDocument; relative: number; popularity: number }[] {
  const values = docs.map((doc) => popularityAt(doc, now));
  const max = Math.max(0, ...values);
  return docs.map((doc, index) => ({
    doc,
    popularity: values[index]!,
    relative: max > 0 ? values[index]! / max : 0,
  }));
}
