import { decodeKey } from '@pulse/platform/text/document-key';
import type { CatalogItemDocument } from '../projections/catalog-item.document';

/** The public JSON of a catalog item: the read model without its indexing helpers. */
export function catalogItemView(doc: CatalogItemDocument) {
  const { itemId, categoryKeys: _index, attributes, ...fields } = doc;
  return {
    id: itemId,
    ...fields,
    attributes: Object.fromEntries(Object.entries(attributes).map(([key, value]) => [decodeKey(key), value])),
  };
}
