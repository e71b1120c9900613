import type { ItemFields, ItemPriceChangedData } from '@pulse/catalog/domain/item.events';

/**
 * The profile projection's own copy of the item facts it needs, in read
 * model `shopper_profile_items` (id = itemId), kept from the Item* events.
 *
 * Why its own copy instead of reading `catalog_items`: during a rebuild this
 * projection replays the log from the start while the catalog read model
 * already holds today's items. A view replayed from last March must count
 * toward the category the item had last March, and an item listed only
 * later must count toward nothing. Facts folded from the same log, in the
 * same order, are exactly what was known at each event.
 */
export const SHOPPER_PROFILE_ITEMS = 'shopper_profile_items';

export type ProfileItemFacts = {
  readonly categoryPath: readonly string[];
  /** May be empty: many feeds have no brand. */
  readonly brand: string;
  readonly price: number;
  readonly currency: string;
  /** Delisted items keep their facts: a late view of one still says what the shopper likes. */
  readonly delisted: boolean;
};

export function factsFromItem(fields: ItemFields): ProfileItemFacts {
  return {
    categoryPath: [...fields.categoryPath],
    brand: fields.brand,
    price: fields.price,
    currency: fields.currency,
    delisted: false,
  };
}

export function withPrice(
  facts: ProfileItemFacts | null,
  { price, currency }: ItemPriceChangedData,
): ProfileItemFacts | null {
  return facts && { ...facts, price, currency };
}

export function delisted(facts: ProfileItemFacts | null): ProfileItemFacts | null {
  return facts && { ...facts, delisted: true };
}
