import type { Params } from '@pulse/ml/evaluation/recommender';

/**
 * Two-tower settings small enough to train on the categorised test shop in a
 * few seconds and still learn its structure: narrow towers, full softmax,
 * half the ids hidden per step (so content alone must place an item), no
 * holdout (the shop is tiny), fixed seed.
 */
export const SMALL_TWO_TOWER: Params = {
  embeddingSize: 16,
  hiddenSize: 32,
  outputSize: 16,
  maxLen: 8,
  interestWindow: 8,
  batchSize: 64,
  learningRate: 0.01,
  epochs: 15,
  idDropout: 0.5,
  historyDropout: 0.3,
  negatives: 0,
  patience: 0,
  validationSequences: 0,
  progress: 'none',
  seed: 3,
};
