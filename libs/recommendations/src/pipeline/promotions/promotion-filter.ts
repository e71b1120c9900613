import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import type { PromotionFilter } from '../recommendation-request';

const DAY = 86_400_000;

/**
 * Whether an item matches a promotion: every criterion given must hold;
 * categories match by key at any level, brands and ids exactly, age by
 * listedAt against `now`, sale by `isOnSale`.
 */
export function matchesPromotion(
  item: CatalogItemDocument,
  filter: PromotionFilter,
  now: number,
  isOnSale: (item: CatalogItemDocument) => boolean,
): boolean {
  const { categories, brands, itemIds, newerThanDays, onSale } = filter;
  if (categories?.length && !item.categoryKeys.some((key) => categories.includes(key))) {
    return false;
  }
  if (brands?.length && !brands.includes(item.brand)) return false;
  if (itemIds?.length && !itemIds.includes(item.itemId)) return false;
  if (newerThanDays !== undefined && Date.parse(item.listedAt) < now - newerThanDays * DAY) {
    return false;
  }
  if (onSale === true && !isOnSale(item)) return false;
  return true;
}

/** A filter with no criterion would match everything: not a promotion. */
export function hasCriterion(filter: PromotionFilter): boolean {
  return Boolean(
    filter.categories?.length ||
    filter.brands?.length ||
    filter.itemIds?.length ||
    filter.newerThanDays !== undefined ||
    filter.onSale === true,
  );
}
