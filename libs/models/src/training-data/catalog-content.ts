import type { ItemContent } from '@pulse/ml/datasets/item-features';
import { uniqueTerms } from '@pulse/platform/text/tokenizer';

/** An item as the catalog events describe it at the bound. */
export interface CatalogEntry {
  readonly title: string;
  readonly categoryPath: readonly string[];
  readonly brand: string;
  readonly price: number;
  readonly currency: string;
  readonly listed: boolean;
}

/**
 * Folds one item event into the item's entry (pure). ItemListed/ItemUpdated
 * carry every field; a price change or delisting edits one. A change to an
 * item never listed (impossible from the deciders) leaves it unknown.
 */
export function evolveCatalogEntry(
  entry: CatalogEntry | undefined,
  type: string,
  data: Record<string, any>,
): CatalogEntry | undefined {
  switch (type) {
    case 'ItemListed':
    case 'ItemUpdated':
      return {
        title: data.title,
        categoryPath: data.categoryPath,
        brand: data.brand,
        price: data.price,
        currency: data.currency,
        listed: true,
      };
    case 'ItemPriceChanged':
      return entry && { ...entry, price: data.price, currency: data.currency };
    case 'ItemDelisted':
      return entry && { ...entry, listed: false };
    default:
      return entry;
  }
}

/**
 * The fields content is made of. Both a CatalogEntry (training, folded from
 * the log) and a `catalog_items` document (serving) have them, so training
 * and serving describe an item the same way.
 */
export type ContentFields = Pick<CatalogEntry, 'title' | 'categoryPath' | 'brand' | 'price'>;

/** The two-tower model's content shape (libs/ml/src/datasets/item-features.ts); title words via the search tokenizer (distinct, first-seen order). */
export function itemContentOf(entry: ContentFields): ItemContent {
  return {
    categoryPath: entry.categoryPath,
    // An empty brand is the catalog's "none" (item.events.ts), not a brand called "".
    ...(entry.brand.length > 0 && { brand: entry.brand }),
    price: entry.price,
    titleTokens: uniqueTerms(entry.title),
  };
}
