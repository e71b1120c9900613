/**
 * Item content features for models that can use them (the two-tower network).
 * Deliberately plain: strings and a number per item, so the training-data
 * builder can fill it straight from catalog events and a service can pass the
 * same shape for an item listed after training.
 */

/** What the catalog says about one item. Every field is optional. */
export interface ItemContent {
  /** Root first, e.g. ['Shoes', 'Running']. */
  readonly categoryPath?: readonly string[];
  readonly brand?: string;
  /** In the shop's currency; bands follow PRICE_BAND_BOUNDARIES. */
  readonly price?: number;
  /** Already tokenised title words (lower-casing is done here). */
  readonly titleTokens?: readonly string[];
}

/** Content per dense item id: `items[i]` describes item i (undefined: nothing known). */
export interface ItemFeatureTable {
  readonly items: readonly (ItemContent | undefined)[];
}

/**
 * A shopper's interest state as the shopper-profile read model keeps it
 * (strongest first): categories as every level of a path joined by '>'
 * ('Shoes', 'Shoes>Running'), brands, price bands as '<currency>:<band>' or
 * just '<band>' ('EUR:50-100', '50-100').
 */
export interface ShopperInterest {
  readonly categories?: readonly string[];
  readonly brands?: readonly string[];
  readonly priceBands?: readonly string[];
}

/**
 * The same fixed 1-2-5 bands as the shopper profile's price affinity
 * (libs/shoppers/src/projections/price-band.ts), repeated here because
 * libs/ml must not depend on a bounded context: a band the profile reports
 * then means the same thing to the model.
 */
export const PRICE_BAND_BOUNDARIES: readonly number[] = [
  5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000,
];

/** '50-100' for 79.9; undefined for a missing or invalid price. */
export function priceBandOf(price: number | undefined): string | undefined {
  if (price === undefined || !(Number.isFinite(price) && price >= 0)) return undefined;
  let lower = 0;
  for (const upper of PRICE_BAND_BOUNDARIES) {
    if (price < upper) return `${lower}-${upper}`;
    lower = upper;
  }
  return `${lower}+`;
}

/** Every level of a category path as the profile keys it: ['Shoes', 'Shoes>Running']. */
export function categoryKeys(path: readonly string[] | undefined): string[] {
  const out: string[] = [];
  if (!path) return out;
  let prefix = '';
  for (const part of path) {
    prefix = prefix ? `${prefix}>${part}` : part;
    out.push(prefix);
  }
  return out;
}

/** Checks a table against the number of items it must describe; throws naming the bad field. */
export function validateItemFeatureTable(table: ItemFeatureTable, numItems: number): void {
  if (!Array.isArray(table.items)) throw new Error('itemFeatures.items must be an array');
  if (table.items.length !== numItems) {
    throw new Error(
      `itemFeatures.items has ${table.items.length} entries, the training data ${numItems} items`,
    );
  }
  table.items.forEach((item, i) => {
    if (item === undefined) return;
    if (item.price !== undefined && !(Number.isFinite(item.price) && item.price >= 0)) {
      throw new Error(`itemFeatures.items[${i}].price must be a non-negative number`);
    }
    if (item.categoryPath !== undefined && !Array.isArray(item.categoryPath)) {
      throw new Error(`itemFeatures.items[${i}].categoryPath must be an array of strings`);
    }
    if (item.titleTokens !== undefined && !Array.isArray(item.titleTokens)) {
      throw new Error(`itemFeatures.items[${i}].titleTokens must be an array of strings`);
    }
  });
}
