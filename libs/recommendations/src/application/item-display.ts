import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';

/** The catalog fields a shop needs to render a returned item, so it needs no second request. */
export function itemDisplayFields(item: CatalogItemDocument | undefined) {
  if (!item) return {};
  return {
    title: item.title,
    categoryPath: item.categoryPath,
    brand: item.brand,
    price: item.price,
    currency: item.currency,
    inStock: item.inStock,
    ...(item.imageUrl !== undefined && { imageUrl: item.imageUrl }),
  };
}
