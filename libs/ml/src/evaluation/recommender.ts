import type { ItemFeatureTable } from '../datasets/item-features';
import type { Sequences } from '../datasets/sequence-dataset';

/** What a model is trained on: a protocol's training part of a dataset. */
export interface TrainingData {
  /** Scores are produced for dense item ids 0..numItems-1. */
  readonly numItems: number;
  /** Chronological item sequences (users' histories or sessions). */
  readonly sequences: Sequences;
  readonly kind: 'users' | 'sessions';
  /** Time per sequence (see SequenceDataset.times); absent: no usable order. */
  readonly times?: Float64Array;
  /** Item content (category path, brand, price, title tokens), for models that use it (two-tower). */
  readonly itemFeatures?: ItemFeatureTable;
}

export interface FitProgress {
  /** 0..1 */
  readonly fraction: number;
  readonly message?: string;
}

export interface FitOptions {
  readonly seed?: number;
  readonly onProgress?: (progress: FitProgress) => void;
}

/**
 * The harness's view of a model. It scores every item for a history; the
 * harness does masking, ranking and metrics, so a model never sees targets
 * or candidate lists and cannot cheat by accident.
 *
 * Higher score = better. Ties are fine (the harness breaks them randomly in
 * expectation), NaN ranks last. `scoreAll` must write all numItems entries of
 * `out` (it is reused between calls) and must not keep `history`, which may
 * be a view into a larger buffer.
 */
export interface Recommender {
  readonly name: string;
  fit(train: TrainingData, options?: FitOptions): void | Promise<void>;
  scoreAll(history: Int32Array, out: Float32Array): void;
  /**
   * Optional: scores several histories at once (row b of `out`, numItems wide,
   * for histories[b]). Models that batch well (matrix products, GPU/wasm
   * kernels) implement it; the harness uses it when present.
   */
  scoreBatch?(histories: readonly Int32Array[], out: Float32Array): void;
  /**
   * Optional: continues training a fitted model for `epochs` passes over
   * `train`, with no holdout and no early stopping (e.g. to take in data that
   * was held out to choose something else, as a blend does).
   */
  trainFurther?(train: TrainingData, epochs: number, options?: FitOptions): Promise<void>;
  /**
   * Optional: the trained state as it is now (weights, optimizer, epoch
   * count), to come back to after trying something on it, e.g. a blend
   * measuring how many further epochs help on its holdout.
   */
  checkpoint?(): Promise<ModelCheckpoint>;
  /** Facts a report must state after fitting (e.g. "restricted to the 12000 most frequent items"). */
  readonly notes?: readonly string[];
  /** Free large buffers (optional; the harness calls it when done with the model). */
  dispose?(): void;
}

/** A saved trained state: `restore` returns the model to it (any number of times); `dispose` frees it. */
export interface ModelCheckpoint {
  restore(): Promise<void>;
  dispose(): void;
}

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;
/** Candidate values per parameter; parameters not listed keep their defaults. */
export type ParamGrid = Record<string, readonly ParamValue[]>;

/** Where a model is about to be evaluated; lets a spec adapt its defaults and grid. */
export interface ModelContext {
  readonly protocol: string;
  readonly kind: 'users' | 'sessions';
  readonly numItems: number;
  /** True when the training sequences carry times (time-decay parameters are meaningful). */
  readonly hasTimes: boolean;
  /** Latest minus earliest training time (0 without times). */
  readonly timeSpan: number;
  readonly averageSequenceLength: number;
}

/** How to make, configure and tune one kind of model. */
export interface ModelSpec {
  /** CLI / report name, lower-case, e.g. "markov". */
  readonly name: string;
  readonly description: string;
  defaults(context: ModelContext): Params;
  /** Values to try on the validation split; empty or absent: nothing to tune. */
  grid?(context: ModelContext): ParamGrid;
  /**
   * 'grid' tries every combination; 'coordinate' varies one parameter at a time
   * from the defaults, keeping improvements (for grids too large to try whole).
   */
  readonly search?: 'grid' | 'coordinate';
  create(params: Params): Recommender;
}
