/**
 * Early stopping as every trainer does it: validate every `evalEvery`
 * epochs (and after the last), keep a copy of the weights of the best
 * validation so far, stop after `patience` validations without improvement
 * or when a stop is requested, and put the best weights back at the end.
 * How weights are copied differs (tensors, typed arrays), so the trainer
 * passes that in.
 */

/** Whether epoch `e` (0-based, of `epochs` in this call) validates. */
export function isValidationEpoch(e: number, epochs: number, evalEvery: number): boolean {
  return (e + 1) % evalEvery === 0 || e + 1 === epochs;
}

/** How a trainer copies its weights, puts a copy back, and frees one. */
export interface WeightCopies<W> {
  copy(): W;
  restore(copy: W): void;
  /** Frees a copy that is no longer needed (tensors); omitted for plain arrays. */
  release?(copy: W): void;
}

/** Why training ends after an epoch: patience ran out, or `shouldStop` said so. */
export type StopReason = 'patience' | 'requested';

/** The best-epoch bookkeeping of one training call. */
export class EarlyStopping<W> {
  private bestScore = -Infinity;
  private bestWeights: W | undefined;
  private sinceBest = 0;
  private bestEpochSoFar: number;
  private stopped = false;

  /** `epochsDone`: epochs before this call (the best epoch while nothing has validated). */
  constructor(
    epochsDone: number,
    private readonly patience: number,
    private readonly weights: WeightCopies<W>,
  ) {
    this.bestEpochSoFar = epochsDone;
  }

  get bestEpoch(): number {
    return this.bestEpochSoFar;
  }
  /** The best validation, -Infinity before the first. */
  get best(): number {
    return this.bestScore;
  }
  /** The best validation as the reports give it: undefined if none. */
  get bestValidation(): number | undefined {
    return Number.isFinite(this.bestScore) ? this.bestScore : undefined;
  }
  /** True when patience or a stop request ended training before its last epoch. */
  get stoppedEarly(): boolean {
    return this.stopped;
  }

  /**
   * After an epoch: records its validation (undefined if it did not
   * validate), then asks `shouldStop` unless patience already ran out.
   * Returns why training ends here, or undefined to go on.
   */
  afterEpoch(
    epoch: number,
    validation: number | undefined,
    shouldStop?: () => boolean,
  ): StopReason | undefined {
    if (validation !== undefined) {
      if (validation > this.bestScore) {
        this.bestScore = validation;
        this.bestEpochSoFar = epoch;
        this.sinceBest = 0;
        if (this.bestWeights !== undefined) this.weights.release?.(this.bestWeights);
        this.bestWeights = this.weights.copy();
      } else if (this.patience > 0 && ++this.sinceBest >= this.patience) {
        this.stopped = true;
        return 'patience';
      }
    }
    if (shouldStop?.()) {
      this.stopped = true;
      return 'requested';
    }
    return undefined;
  }

  /**
   * After the last epoch (`lastEpoch`): puts back the best epoch's weights if
   * training went past it, and frees the copy. True if weights were restored.
   */
  restoreBest(lastEpoch: number): boolean {
    const kept = this.bestWeights;
    if (kept === undefined) return false;
    this.bestWeights = undefined;
    const restore = this.bestEpochSoFar !== lastEpoch;
    if (restore) this.weights.restore(kept);
    this.weights.release?.(kept);
    return restore;
  }
}
