import type { ArtifactFiles } from '../registry/model-artifact-store.port';
import type { ArtifactMetadata } from '../serving/model-artifact-codec';
import type { ServableModel } from '../serving/servable-model';
import type { TrainableModel } from './incremental-learner';

/**
 * The weights the learning loop serves and continues from: the champion as
 * loaded from the registry, or its latest accepted incremental update.
 * `servable` answers recommendation scoring; `trainable` is the same weights
 * as its kind's trainable model (incremental-learners.ts), which the trainer copies (via `files`) to train
 * and uses to score the serving side of the holdout comparison.
 */
export interface LiveModel {
  readonly servable: ServableModel;
  readonly trainable: TrainableModel;
  readonly files: ArtifactFiles;
  readonly metadata: ArtifactMetadata;
  /** Registry version (the champion these weights descend from). */
  readonly version: number;
  /**
   * Which update of the champion these weights are: the number of the ModelIncrementallyUpdated
   * that swapped them in (and of their stored files), 0 for the champion as trained. Numbers grow
   * with every attempt, so after kept-out attempts the next swapped one skips numbers.
   */
  readonly increment: number;
  /** Increments attempted on this champion, swapped or not (numbers the events). */
  readonly attempts: number;
  readonly since: number;
}

export type LiveModelListener = (model: LiveModel, previous: LiveModel | undefined) => void;

/**
 * Holds one model's live weights and swaps them as one reference
 * assignment: a request reads `current` once and scores with that instance
 * throughout, so it never sees half an update. The replaced instance is
 * disposed after `graceMs`, long after any request that picked it up; work
 * that may outlast that (an incremental update, which trains for seconds to
 * minutes) leases it, and then it goes at the last release.
 */
export class LiveModelSlot {
  private live: LiveModel | undefined;
  private readonly listeners = new Set<LiveModelListener>();
  private readonly leases = new Map<LiveModel, number>();
  /** Replaced, past their grace period, waiting for their last lease. */
  private readonly retired = new Set<LiveModel>();

  constructor(
    readonly name: string,
    private readonly graceMs = 10_000,
  ) {}

  get current(): LiveModel | undefined {
    return this.live;
  }

  /** Versioned label: `<name>@<version>` for the champion, `<name>@<version>+<increment>` after an update (the event's number). */
  label(model: LiveModel | undefined = this.live): string | undefined {
    if (!model) return undefined;
    return `${this.name}@${model.version}${model.increment > 0 ? `+${model.increment}` : ''}`;
  }

  swap(next: LiveModel): void {
    const previous = this.live;
    this.live = next;
    for (const listener of this.listeners) listener(next, previous);
    if (previous && previous.servable !== next.servable) {
      const timer = setTimeout(() => {
        if (this.leases.has(previous)) this.retired.add(previous);
        else dispose(previous, next);
      }, this.graceMs);
      timer.unref();
    }
  }

  /** The current weights, kept from disposal until `release`, however long that takes. */
  lease(): LiveModel | undefined {
    const live = this.live;
    if (live) this.leases.set(live, (this.leases.get(live) ?? 0) + 1);
    return live;
  }

  release(model: LiveModel): void {
    const left = (this.leases.get(model) ?? 0) - 1;
    if (left > 0) return void this.leases.set(model, left);
    this.leases.delete(model);
    if (this.retired.delete(model)) dispose(model, this.live);
  }

  /** Counts an attempt that was not swapped in (the next event's increment number). */
  recordAttempt(): void {
    if (this.live) this.live = { ...this.live, attempts: this.live.attempts + 1 };
  }

  onSwap(listener: LiveModelListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Frees a replaced model's tensors, except a trainable its successor still holds. */
function dispose(model: LiveModel, successor: LiveModel | undefined): void {
  model.servable.dispose();
  if (model.trainable !== successor?.trainable) model.trainable.dispose();
}
