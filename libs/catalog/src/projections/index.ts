export * from './catalog-items.projection';
export * from './catalog-item.document';
export * from './category-keys';
