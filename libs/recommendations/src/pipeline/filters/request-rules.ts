import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import type { RecommendationRules } from '../recommendation-request';

/** A request's rules compiled once: sets instead of arrays. */
export interface CompiledRules {
  matches(item: CatalogItemDocument): boolean;
}

/**
 * Categories match by key at any level of the item's path (`Shoes` covers
 * `Shoes>Running>Trail`); brands and ids match exactly; the price range is
 * inclusive and in the item's currency (a shop sells in one).
 */
export function compileRules(rules: RecommendationRules = {}): CompiledRules {
  const set = (values: readonly string[] | undefined) =>
    values && values.length > 0 ? new Set(values) : undefined;
  const includeCategories = set(rules.includeCategories);
  const excludeCategories = set(rules.excludeCategories);
  const includeBrands = set(rules.includeBrands);
  const excludeBrands = set(rules.excludeBrands);
  const excludeItemIds = set(rules.excludeItemIds);
  const { minPrice, maxPrice } = rules;
  return {
    matches(item) {
      if (excludeItemIds?.has(item.itemId)) return false;
      if (includeCategories && !item.categoryKeys.some((key) => includeCategories.has(key))) {
        return false;
      }
      if (excludeCategories && item.categoryKeys.some((key) => excludeCategories.has(key))) {
        return false;
      }
      if (includeBrands && !includeBrands.has(item.brand)) return false;
      if (excludeBrands?.has(item.brand)) return false;
      if (minPrice !== undefined && item.price < minPrice) return false;
      if (maxPrice !== undefined && item.price > maxPrice) return false;
      return true;
    },
  };
}
