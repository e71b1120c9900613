import type { ItemFields } from '@pulse/catalog/domain/item.events';
import { categoryKeys } from '@pulse/catalog/projections/category-keys';
import type { ItemFactsFields } from './item-statistics.document';

/**
 * The item facts on a statistics document come from the Item* events of the
 * same log, folded by this projection, not from `catalog_items`. A rebuild
 * replays old interactions while the catalog read model already holds
 * today's items; reading it would file last year's views under this year's
 * categories and prices. Facts folded here are exactly what was known then.
 */
export const UNKNOWN_ITEM_FACTS: ItemFactsFields = {
  status: 'unknown',
  inStock: false,
  categoryPath: [],
  categoryKeys: [],
  brand: '',
  price: null,
  currency: null,
};

/** ItemListed / ItemUpdated: both carry every field. */
export function listedFacts(fields: ItemFields): ItemFactsFields {
  return {
    status: 'active',
    inStock: fields.stock > 0,
    categoryPath: [...fields.categoryPath],
    categoryKeys: categoryKeys(fields.categoryPath),
    brand: fields.brand,
    price: fields.price,
    currency: fields.currency,
  };
}
