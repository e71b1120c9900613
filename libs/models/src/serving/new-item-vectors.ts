import type { ItemContent } from '@pulse/ml/datasets/item-features';
import { type ContentEmbedder, contentFingerprint } from './content-embedder';

interface Entry {
  readonly fingerprint: string;
  readonly content: ItemContent;
  readonly vector: Float32Array;
}

/**
 * Vectors of items a content model was not trained on (listed after the
 * training bound), embedded from their content once and kept, so each new
 * item costs one item-tower pass, not one per request. Bounded: beyond
 * `capacity` the least recently added or refreshed item is forgotten (it is
 * embedded again when a request brings its content back).
 */
export class NewItemVectors {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly embedder: ContentEmbedder,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity: must be a whole number >= 1, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(itemId: string): Entry | undefined {
    return this.entries.get(itemId);
  }

  /** Every kept item, for retrieval over the whole catalogue. */
  all(): IterableIterator<[string, Entry]> {
    return this.entries.entries();
  }

  /**
   * Embeds the items that are not kept yet or whose content changed, in one
   * item-tower call; returns how many were embedded.
   */
  add(contents: Iterable<readonly [string, ItemContent]>): number {
    const pending = new Map<string, { fingerprint: string; content: ItemContent }>();
    for (const [itemId, content] of contents) {
      const fingerprint = contentFingerprint(content);
      if (this.entries.get(itemId)?.fingerprint !== fingerprint) pending.set(itemId, { fingerprint, content });
    }
    if (pending.size === 0) return 0;
    const rows = [...pending.values()];
    const vectors = this.embedder.embedItems(rows.map((r) => r.content));
    const d = this.embedder.dimension;
    let row = 0;
    for (const [itemId, { fingerprint, content }] of pending) {
      // Delete first: a Map keeps insertion order, and the oldest entry is the one evicted.
      this.entries.delete(itemId);
      this.entries.set(itemId, { fingerprint, content, vector: vectors.slice(row * d, (row + 1) * d) });
      row++;
    }
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
    return pending.size;
  }
}
