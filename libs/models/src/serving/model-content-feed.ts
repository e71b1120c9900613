import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import type { ResolvedContext } from '@pulse/recommendations/pipeline/candidates/candidate-generator';
import type { RecommendationData } from '@pulse/recommendations/pipeline/recommendation-data.port';
import { itemContentOf } from '../training-data/catalog-content';
import type { ServableModel } from './servable-model';

/**
 * Feeds a content model (two-tower) the `catalog_items` content of items it
 * was not trained on, converted exactly as training converts catalog events
 * (itemContentOf), so a new item is scored from the same kind of description
 * the item tower learned from. Sequence models ignore it (addItems is a no-op).
 */

/** Newest active items read per refresh; those the model was not trained on become retrievable. */
const NEWEST_ITEMS = 200;
/** How often a generator re-reads the newest items: listings are rare next to requests. */
const NEWEST_REFRESH_MS = 30_000;

const contentEntry = (doc: CatalogItemDocument) => [doc.itemId, itemContentOf(doc)] as const;

/** Candidates carry their catalog document: the ones the model was not trained on are embedded (once). */
export function addCandidateContent(
  model: ServableModel,
  candidates: readonly { readonly itemId: string; readonly item: CatalogItemDocument }[],
): void {
  if (!model.embedsContent) return;
  model.addItems(candidates.filter((c) => !model.isTrainedItem(c.itemId)).map((c) => contentEntry(c.item)));
}

/**
 * Per generator (so per loaded version): before retrieval, the content of
 * history items the model was not trained on (so they count in the shopper
 * vector) and, at most every NEWEST_REFRESH_MS, the newest listings (so
 * retrieval can return them).
 */
export function newItemFeed(model: ServableModel): (data: RecommendationData, history: readonly string[], context: ResolvedContext) => Promise<void> {
  let newestReadAt = Number.NEGATIVE_INFINITY;
  return async (data, history, context) => {
    if (!model.embedsContent) return;
    const known = new Map<string, CatalogItemDocument>();
    for (const doc of [context.product, ...context.cartItems]) if (doc) known.set(doc.itemId, doc);
    const unknown = [...new Set(history.filter((id) => !model.isTrainedItem(id)))];
    const missing = unknown.filter((id) => !known.has(id));
    const looked = missing.length > 0 ? await data.catalogItemsByIds(missing) : new Map<string, CatalogItemDocument>();
    const docs = unknown.flatMap((id) => {
      const doc = known.get(id) ?? looked.get(id);
      return doc ? [doc] : [];
    });
    if (Date.now() - newestReadAt >= NEWEST_REFRESH_MS) {
      newestReadAt = Date.now();
      docs.push(...(await data.newestItems({ limit: NEWEST_ITEMS })).filter((d) => !model.isTrainedItem(d.itemId)));
    }
    model.addItems(docs.map(contentEntry));
  };
}
