import type { ItemContent } from '@pulse/ml/datasets/item-features';
import type { Recommender } from '@pulse/ml/evaluation/recommender';
import type { ItemRef } from '@pulse/ml/models/two-tower/two-tower.recommender';

/**
 * What a model needs to score items it was not trained on: an item tower that
 * embeds content, and a shopper vector in the same space (score = dot
 * product). The two-tower recommender has it; sequence models do not.
 */
export interface ContentEmbedder {
  /** Width d of both vectors. */
  readonly dimension: number;
  /** Row i (d floats) for items[i]: numbers are trained dense ids, objects new items' content. */
  embedItems(items: readonly ItemRef[]): Float32Array;
  /** The shopper vector after recent items, oldest first (new items by content). */
  embedShopper(recentItems: readonly ItemRef[]): Float32Array;
}

type MaybeEmbedder = Partial<ContentEmbedder> & { readonly hasContent?: boolean };

/**
 * The recommender as a ContentEmbedder, or undefined. A two-tower trained on
 * ids only has the methods but no content vocabulary: every new item would
 * get the same vector, so it is served like the sequence models.
 */
export function asContentEmbedder(recommender: Recommender): ContentEmbedder | undefined {
  const r = recommender as Recommender & MaybeEmbedder;
  const capable =
    typeof r.embedItems === 'function' && typeof r.embedShopper === 'function' && r.hasContent === true;
  return capable ? (r as unknown as ContentEmbedder) : undefined;
}

/** Items per item-tower call when embedding the whole trained catalogue (bounds peak tensor memory). */
const EMBED_CHUNK = 4096;

/** Every trained item's vector, row-major [numItems, d]: computed once per loaded version. */
export function embedTrainedItems(embedder: ContentEmbedder, numItems: number): Float32Array {
  const d = embedder.dimension;
  const table = new Float32Array(numItems * d);
  for (let start = 0; start < numItems; start += EMBED_CHUNK) {
    const ids = Array.from({ length: Math.min(EMBED_CHUNK, numItems - start) }, (_, i) => start + i);
    table.set(embedder.embedItems(ids), start * d);
  }
  return table;
}

/** Dot product of `shopper` with row `row` of a row-major table of width shopper.length. */
export function dotRow(shopper: Float32Array, table: Float32Array, row: number): number {
  const d = shopper.length;
  const offset = row * d;
  let s = 0;
  for (let k = 0; k < d; k++) s += shopper[k]! * table[offset + k]!;
  return s;
}

/** Identifies content, so a changed item (ItemUpdated, a price move across a band) is embedded again. */
export function contentFingerprint(content: ItemContent): string {
  return JSON.stringify([content.categoryPath ?? [], content.brand ?? '', content.price ?? null, content.titleTokens ?? []]);
}
