import type { Projection, ReadModelSpec } from '@pulse/platform/projections/projection';
import type {
  ItemDelistedData,
  ItemFields,
  ItemListedData,
  ItemPriceChangedData,
  ItemStockChangedData,
  ItemUpdatedData,
} from '../domain/item.events';
import type { CatalogItemDocument } from './catalog-item.document';
import { categoryKeys } from './category-keys';
import { encodeKey, setOwn } from '@pulse/platform/text/document-key';

export const CATALOG_ITEMS = 'catalog_items';

const readModels: readonly ReadModelSpec[] = [
  {
    name: CATALOG_ITEMS,
    indexes: [
      // The usual listing query is "active items in category X", sometimes by brand.
      { fields: { status: 1, categoryKeys: 1 } },
      { fields: { categoryKeys: 1 } },
      { fields: { brand: 1 } },
      { fields: { status: 1 } },
      // New arrivals (the recommender's exploration share), overall and per category.
      { fields: { status: 1, listedAt: -1 } },
      { fields: { categoryKeys: 1, listedAt: -1 } },
    ],
  },
];

/**
 * The catalog as it is now, one document per item, from the item streams.
 * Delisted items are kept (status 'delisted') rather than deleted: a shop
 * may list them again, and readers must be able to tell "withdrawn" from
 * "never heard of".
 */
export function createCatalogItemsProjection(): Projection {
  return {
    name: CATALOG_ITEMS,
    readModels,
    eventTypes: [
      'ItemListed',
      'ItemUpdated',
      'ItemPriceChanged',
      'ItemStockChanged',
      'ItemDelisted',
    ],
    async handle(event, tx) {
      const itemId = String(event.data.itemId);
      switch (event.type) {
        case 'ItemListed':
          return tx.update<CatalogItemDocument>(CATALOG_ITEMS, itemId, () =>
            listed(event.data as ItemListedData),
          );
        case 'ItemUpdated':
          return tx.update<CatalogItemDocument>(CATALOG_ITEMS, itemId, (doc) =>
            updated(doc, event.data as ItemUpdatedData),
          );
        case 'ItemPriceChanged': {
          const { price, currency, at } = event.data as ItemPriceChangedData;
          return tx.update<CatalogItemDocument>(
            CATALOG_ITEMS,
            itemId,
            (doc) => doc && { ...doc, price, currency, updatedAt: at },
          );
        }
        case 'ItemStockChanged': {
          const { stock, at } = event.data as ItemStockChangedData;
          return tx.update<CatalogItemDocument>(
            CATALOG_ITEMS,
            itemId,
            (doc) => doc && { ...doc, stock, inStock: stock > 0, updatedAt: at },
          );
        }
        case 'ItemDelisted': {
          const { reason, at } = event.data as ItemDelistedData;
          return tx.update<CatalogItemDocument>(
            CATALOG_ITEMS,
            itemId,
            (doc) =>
              doc && {
                ...doc,
                status: 'delisted',
                updatedAt: at,
                delistedAt: at,
                ...(reason !== undefined && { delistReason: reason }),
              },
          );
        }
      }
    },
  };
}

/** A (re-)listing carries every field: the document starts over. */
function listed(data: ItemListedData): CatalogItemDocument {
  return { ...itemFields(data), status: 'active', listedAt: data.at, updatedAt: data.at };
}

/**
 * The payload replaces the item: a field missing now (imageUrl) was removed.
 * An update without a document can't come from the item decider; it is taken
 * as a listing rather than dropped, so the catalog never misses an item.
 */
function updated(doc: CatalogItemDocument | null, data: ItemUpdatedData): CatalogItemDocument {
  if (doc === null) return listed(data);
  return {
    ...itemFields(data),
    status: doc.status,
    listedAt: doc.listedAt,
    updatedAt: data.at,
    ...(doc.delistedAt !== undefined && { delistedAt: doc.delistedAt }),
    ...(doc.delistReason !== undefined && { delistReason: doc.delistReason }),
  };
}

/** Copies the catalog fields (not `at`), leaving out an absent imageUrl instead of storing undefined. */
function itemFields(
  data: ItemFields,
): Omit<CatalogItemDocument, 'status' | 'listedAt' | 'updatedAt'> {
  return {
    itemId: data.itemId,
    title: data.title,
    description: data.description,
    categoryPath: [...data.categoryPath],
    categoryKeys: categoryKeys(data.categoryPath),
    brand: data.brand,
    price: data.price,
    currency: data.currency,
    stock: data.stock,
    inStock: data.stock > 0,
    attributes: storableAttributes(data.attributes),
    ...(data.imageUrl !== undefined && { imageUrl: data.imageUrl }),
  };
}

/**
 * Attribute names come from the shop's feed and may contain '.' or start
 * with '$' (`size.eu`), which the document store refuses as keys; they are
 * stored through encodeKey (unchanged for ordinary names; decodeKey reverses it).
 */
function storableAttributes(attributes: ItemFields['attributes']): ItemFields['attributes'] {
  const result: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(attributes)) {
    setOwn(result, encodeKey(name), value);
  }
  return result;
}
