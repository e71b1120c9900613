import type { ItemFields } from '../domain/item.events';

/**
 * One document per item in read model `catalog_items` (id = itemId): the
 * item as it is now, for search, filtering and showing results. A type
 * alias, not an interface, so it is assignable to the runner's DocumentFields.
 * Attribute names are stored through encodeKey (see storableAttributes).
 */
export type CatalogItemDocument = ItemFields & {
  readonly status: 'active' | 'delisted';
  /** stock > 0. Out-of-stock items stay listed (and searchable) but can be filtered out. */
  readonly inStock: boolean;
  /** Every level of categoryPath joined with '>' (see category-keys.ts). */
  readonly categoryKeys: string[];
  /** ISO time of the latest ItemListed (a re-listing resets it). */
  readonly listedAt: string;
  /** ISO time of the latest change of any kind, delisting included. */
  readonly updatedAt: string;
  /** Only while delisted. */
  readonly delistedAt?: string;
  readonly delistReason?: string;
};
