import type { ItemContent } from '@pulse/ml/datasets/item-features';
import type { Recommender } from '@pulse/ml/evaluation/recommender';
import type { ModelArtifactsData } from '@pulse/ml/runtime/model-artifacts';
import type { ItemRef } from '@pulse/ml/models/two-tower/two-tower.recommender';
import type { ArtifactFiles } from '../registry/model-artifact-store.port';
import { modelVersionLabel } from '../registry/model.events';
import { type ArtifactMetadata, readMetadata, readSequences, tfjsArtifacts } from './model-artifact-codec';
import { asContentEmbedder, type ContentEmbedder, dotRow, embedTrainedItems } from './content-embedder';
import { findTrainableSpec } from './model-specs';
import { NewItemVectors } from './new-item-vectors';
import { TopScores } from './top-scores';

/** A recommender that can be restored from saved weights (every deep model in @pulse/ml). */
type Loadable = { load(artifacts: ModelArtifactsData): Promise<Recommender> };

export interface ServableModelOptions {
  /** Learning-loop increment on top of the registry version (0: as trained). */
  readonly increment?: number;
  /** Content models: new items kept embedded at most (least recently added forgotten first). Default 20 000. */
  readonly newItemCapacity?: number;
}

const DEFAULT_NEW_ITEM_CAPACITY = 20_000;

/** A content model's serving state: every trained item's vector, and new items embedded from content. */
interface ContentScoring {
  readonly embedder: ContentEmbedder;
  /** Row-major [numItems, d], from the item tower once at load. */
  readonly trained: Float32Array;
  readonly newItems: NewItemVectors;
}

/**
 * A loaded model version, ready to score: the recommender plus the mapping
 * between Pulse item ids and the model's dense ids. The swap unit of the
 * serving holder. Its scores depend only on the version and the items'
 * content: a content model (two-tower) also scores items listed after its
 * training, once `addItems` has given their content; that cache is the only
 * state that changes after load.
 */
export class ServableModel {
  private readonly denseOf: Map<string, number>;

  private disposed = false;

  private constructor(
    readonly metadata: ArtifactMetadata,
    private readonly recommender: Recommender,
    /** Incremental updates of the learning loop on top of the registry version (0: as trained). */
    readonly increment = 0,
    private readonly content?: ContentScoring,
  ) {
    this.denseOf = new Map(metadata.items.map((id, dense) => [id, dense]));
  }

  get name(): string {
    return this.metadata.model;
  }
  get version(): number {
    return this.metadata.version;
  }
  /** `<name>@<version>`, or `<name>@<version>+<increment>` for incrementally updated weights, as responses report it. */
  get label(): string {
    const base = modelVersionLabel(this.metadata.model, this.metadata.version);
    return this.increment > 0 ? `${base}+${this.increment}` : base;
  }
  /** Items the model was trained on. */
  get numItems(): number {
    return this.metadata.items.length;
  }
  /** Whether items the model never saw can be scored from their content (see addItems). */
  get embedsContent(): boolean {
    return this.content !== undefined;
  }
  /** New items embedded from content so far (0 for models without content). */
  get newItemCount(): number {
    return this.content?.newItems.size ?? 0;
  }

  isTrainedItem(itemId: string): boolean {
    return this.denseOf.has(itemId);
  }

  /** `increment`: the learning loop's files carry the champion's metadata, so the increment is told, not read. */
  static async fromFiles(files: ArtifactFiles, options: ServableModelOptions = {}): Promise<ServableModel> {
    const increment = options.increment ?? 0;
    if (!Number.isInteger(increment) || increment < 0) throw new Error(`increment: must be a whole number >= 0, got ${increment}`);
    const metadata = readMetadata(files);
    const spec = findTrainableSpec(metadata.kind);
    if (!spec) throw new Error(`${metadata.model}@${metadata.version}: unknown model kind '${metadata.kind}'`);
    const fresh = spec.create(metadata.params);
    if (metadata.storage === 'sequences') {
      const sequences = readSequences(files);
      await fresh.fit({ numItems: metadata.items.length, sequences, kind: 'users' }, { seed: 42 });
      return new ServableModel(metadata, fresh, increment);
    }
    const loader = fresh.constructor as unknown as Partial<Loadable>;
    fresh.dispose?.();
    if (typeof loader.load !== 'function') {
      throw new Error(`${metadata.kind} models have no load(); they cannot be served from saved weights`);
    }
    const recommender = await loader.load(tfjsArtifacts(files));
    const embedder = asContentEmbedder(recommender);
    // Embedding the trained catalogue here, while the holder loads off to the side, keeps it off the first request.
    const content = embedder && {
      embedder,
      trained: embedTrainedItems(embedder, metadata.items.length),
      newItems: new NewItemVectors(embedder, options.newItemCapacity ?? DEFAULT_NEW_ITEM_CAPACITY),
    };
    return new ServableModel(metadata, recommender, increment, content);
  }

  /**
   * Gives a content model the content of items it may not know (Pulse id ->
   * content, as itemContentOf makes it from a `catalog_items` document):
   * items it was not trained on are embedded through the item tower (once;
   * again if their content changed) and from then on are scored, retrieved
   * and read in histories like trained ones. Trained items keep their trained
   * vectors. Returns how many items were embedded; 0 and a no-op for models
   * without content.
   */
  addItems(contents: Iterable<readonly [string, ItemContent]>): number {
    if (!this.content || this.disposed) return 0;
    const fresh = [...contents].filter(([itemId]) => !this.denseOf.has(itemId));
    return this.content.newItems.add(fresh);
  }

  /**
   * The model's top items after a history of Pulse item ids (oldest first).
   * Items the model never saw are skipped in the history (a content model
   * reads the new items it was given by content); `exclude` (and the history
   * itself) are left out of the answer. Returns [] when nothing of the
   * history is known to the model.
   */
  recommend(history: readonly string[], limit: number, exclude: ReadonlySet<string> = new Set()): { itemId: string; score: number }[] {
    if (this.content) return this.recommendByContent(history, limit, exclude);
    const dense = this.denseHistory(history);
    if (dense.length === 0 || limit <= 0) return [];
    const scores = new Float32Array(this.numItems);
    this.recommender.scoreAll(Int32Array.from(dense), scores);
    const skip = new Set(dense);
    for (const id of exclude) {
      const d = this.denseOf.get(id);
      if (d !== undefined) skip.add(d);
    }
    const top = new TopScores<number>(limit);
    for (let i = 0; i < scores.length; i++) {
      if (!skip.has(i)) top.offer(i, scores[i]!);
    }
    return top.result().map((b) => ({ itemId: this.metadata.items[b.key]!, score: b.score }));
  }

  /** Scores of given Pulse items after a history (undefined for items the model does not know). */
  scoreItems(history: readonly string[], itemIds: readonly string[]): (number | undefined)[] {
    if (this.content) return this.scoreItemsByContent(history, itemIds);
    const dense = this.denseHistory(history);
    if (dense.length === 0) return itemIds.map(() => undefined);
    const scores = new Float32Array(this.numItems);
    this.recommender.scoreAll(Int32Array.from(dense), scores);
    return itemIds.map((id) => {
      const d = this.denseOf.get(id);
      return d === undefined ? undefined : scores[d];
    });
  }

  private denseHistory(history: readonly string[]): number[] {
    return history.flatMap((id) => {
      const d = this.denseOf.get(id);
      return d === undefined ? [] : [d];
    });
  }

  /** The shopper vector of a content model, or undefined when no history item is known (trained or added). */
  private shopperVector(content: ContentScoring, history: readonly string[]): Float32Array | undefined {
    const refs: ItemRef[] = history.flatMap((id): ItemRef[] => {
      const dense = this.denseOf.get(id);
      if (dense !== undefined) return [dense];
      const added = content.newItems.get(id);
      return added ? [added.content] : [];
    });
    return refs.length === 0 ? undefined : content.embedder.embedShopper(refs);
  }

  private recommendByContent(history: readonly string[], limit: number, exclude: ReadonlySet<string>): { itemId: string; score: number }[] {
    const content = this.content!;
    if (limit <= 0) return [];
    const shopper = this.shopperVector(content, history);
    if (!shopper) return [];
    const skip = new Set([...history, ...exclude]);
    const top = new TopScores<string>(limit);
    const items = this.metadata.items;
    for (let i = 0; i < items.length; i++) {
      if (!skip.has(items[i]!)) top.offer(items[i]!, dotRow(shopper, content.trained, i));
    }
    for (const [itemId, added] of content.newItems.all()) {
      if (!skip.has(itemId)) top.offer(itemId, dotRow(shopper, added.vector, 0));
    }
    return top.result().map((b) => ({ itemId: b.key, score: b.score }));
  }

  private scoreItemsByContent(history: readonly string[], itemIds: readonly string[]): (number | undefined)[] {
    const content = this.content!;
    const shopper = this.shopperVector(content, history);
    if (!shopper) return itemIds.map(() => undefined);
    return itemIds.map((id) => {
      const dense = this.denseOf.get(id);
      if (dense !== undefined) return dotRow(shopper, content.trained, dense);
      const added = content.newItems.get(id);
      return added ? dotRow(shopper, added.vector, 0) : undefined;
    });
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Idempotent: the serving holder and the learning loop may both retire an instance. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.recommender.dispose?.();
  }
}
