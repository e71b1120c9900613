/**
 * The training-loop parameters the TF.js recommenders share (Mult-VAE,
 * two-tower, SASRec/GRU4Rec, Caser), documented once here. Each model's
 * params interface extends the level it uses; its defaults and range checks
 * stay with the model, because they differ (and name the model in errors).
 */

/** How `fit` shows progress. */
export type ProgressMode = 'auto' | 'bar' | 'log' | 'none';

export interface TrainingParams {
  /** Most epochs one `fit` runs (a loaded model trains this many more); early stopping or the stop file can end it sooner. */
  readonly epochs: number;
  readonly batchSize: number;
  /** Adam's step size. */
  readonly learningRate: number;
  /**
   * 0 (or >= the item count): full softmax over every item; n: sampled
   * softmax over the batch's targets plus n sampled negatives, logQ-corrected
   * (where a model has `logQ`, only when it is on; Mult-VAE samples uniformly).
   */
  readonly negatives: number;
  /** Early stopping: evaluations without improvement before stopping (0 = never stop early, train all epochs). */
  readonly patience: number;
  /** Validate on the holdout every n epochs (and after the last). */
  readonly evalEvery: number;
  /** Sequences carved from the training data for early stopping (0 = none). */
  readonly validationSequences: number;
  /** 'auto': none when the caller takes progress itself (onProgress), a bar on a terminal, else a line per epoch. */
  readonly progress: ProgressMode;
  /** If set, training stops after the epoch during which this file appears (long runs on shared machines). */
  readonly stopFile: string;
  /** Seeds the initial weights, the sampling and the holdout; `fit`'s `options.seed` overrides it. */
  readonly seed: number;
}

/** The models whose sampled softmax uses the shared CandidateSampler (two-tower and the sequence models). */
export interface SampledSoftmaxParams extends TrainingParams {
  /** Negatives are drawn with probability (count + 1)^alpha; 0 = uniform. */
  readonly negativeAlpha: number;
  /** Subtract each sampled logit's log inclusion probability (the logQ correction). */
  readonly logQ: boolean;
}

/** What the shared sequence trainer takes on top (SASRec, GRU4Rec, Caser). */
export interface SequenceTrainingParams extends SampledSoftmaxParams {
  /** 'last': one training window per sequence, its latest maxLen + 1 items; 'all': consecutive windows, so no transition is dropped. */
  readonly windows: 'last' | 'all';
}
