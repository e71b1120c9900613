import type { Recommender } from '@pulse/ml/evaluation/recommender';
import type { ModelArtifactsData } from '@pulse/ml/runtime/model-artifacts';
import type { ArtifactFiles } from '../registry/model-artifact-store.port';
import { modelVersionLabel } from '../registry/model.events';
import { type ArtifactMetadata, readMetadata, readSequences, tfjsArtifacts } from './model-artifact-codec';
import { findTrainableSpec } from './model-specs';

/** A recommender that can be restored from saved weights (every deep model in @pulse/ml). */
type Loadable = { load(artifacts: ModelArtifactsData): Promise<Recommender> };

/**
 * A loaded model version, ready to score: the recommender plus the mapping
 * between Pulse item ids and the model's dense ids. Immutable once built;
 * the serving holder swaps whole instances.
 */
export class ServableModel {
  private readonly denseOf: Map<string, number>;

  private disposed = false;

  private constructor(
    readonly metadata: ArtifactMetadata,
    private readonly recommender: Recommender,
    /** Incremental updates of the learning loop on top of the registry version (0: as trained). */
    readonly increment = 0,
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
  get numItems(): number {
    return this.metadata.items.length;
  }

  /** `increment`: the learning loop's files carry the champion's metadata, so the increment is told, not read. */
  static async fromFiles(files: ArtifactFiles, options: { increment?: number } = {}): Promise<ServableModel> {
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
    return new ServableModel(metadata, await loader.load(tfjsArtifacts(files)), increment);
  }

  /**
   * The model's top items after a history of Pulse item ids (oldest first).
   * Items the model never saw are skipped in the history; `exclude` (and the
   * history itself) are left out of the answer. Returns [] when nothing of
   * the history is known to the model.
   */
  recommend(history: readonly string[], limit: number, exclude: ReadonlySet<string> = new Set()): { itemId: string; score: number }[] {
    const dense = history.flatMap((id) => {
      const d = this.denseOf.get(id);
      return d === undefined ? [] : [d];
    });
    if (dense.length === 0 || limit <= 0) return [];
    const scores = new Float32Array(this.numItems);
    this.recommender.scoreAll(Int32Array.from(dense), scores);
    const skip = new Set(dense);
    for (const id of exclude) {
      const d = this.denseOf.get(id);
      if (d !== undefined) skip.add(d);
    }
    // Partial selection: keep the best `limit` in a small sorted buffer.
    const best: { dense: number; score: number }[] = [];
    for (let i = 0; i < scores.length; i++) {
      const score = scores[i]!;
      if (skip.has(i) || !Number.isFinite(score)) continue;
      if (best.length === limit && score <= best[best.length - 1]!.score) continue;
      let at = best.length;
      while (at > 0 && best[at - 1]!.score < score) at--;
      best.splice(at, 0, { dense: i, score });
      if (best.length > limit) best.pop();
    }
    return best.map((b) => ({ itemId: this.metadata.items[b.dense]!, score: b.score }));
  }

  /** Scores of given Pulse items after a history (undefined for items the model does not know). */
  scoreItems(history: readonly string[], itemIds: readonly string[]): (number | undefined)[] {
    const dense = history.flatMap((id) => {
      const d = this.denseOf.get(id);
      return d === undefined ? [] : [d];
    });
    if (dense.length === 0) return itemIds.map(() => undefined);
    const scores = new Float32Array(this.numItems);
    this.recommender.scoreAll(Int32Array.from(dense), scores);
    return itemIds.map((id) => {
      const d = this.denseOf.get(id);
      return d === undefined ? undefined : scores[d];
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
