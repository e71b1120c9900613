import type { ModelContext, ModelSpec, Params } from '../evaluation/recommender';
import { SEQUENCE_MODEL_DEFAULTS, SequenceRecommender } from './sequence.recommender';

/**
 * Defaults from the Beauty and Diginetica runs (libs/ml/src/models/README.md).
 * No grid: one fit takes minutes to an hour here, so tuning is by hand (--set).
 *
 * Full softmax costs about 2.5x the sampled one per epoch on Beauty's 12k
 * items (wasm, one thread), so the default is a sampled softmax with 4096
 * uniform negatives plus the batch's targets, logQ-corrected; small catalogues
 * (tests, small shops) get the full softmax. Sessions: short windows, every
 * transition kept ('all'), larger batches (per-step overhead dominates).
 * GRU4Rec adds its input to its output (inputSkip): Beauty holdout NDCG@10
 * peaked at 0.0571 with it against 0.0460 without; Diginetica holdout MRR@10
 * (20 epochs, early stopping) at 0.1568 against 0.1435.
 */
function sequenceDefaults(kind: 'sasrec' | 'gru4rec', c: ModelContext): Params {
  const sessions = c.kind === 'sessions';
  return {
    ...SEQUENCE_MODEL_DEFAULTS,
    maxLen: sessions ? 20 : 50,
    windows: sessions ? 'all' : 'last',
    batchSize: sessions ? 512 : 128,
    dropout: kind === 'sasrec' && !sessions ? 0.3 : 0.2,
    negatives: c.numItems > 8192 ? 4096 : 0,
    ...(kind === 'gru4rec' && { inputSkip: true }),
  };
}

export const sasrecSpec: ModelSpec = {
  name: 'sasrec',
  description:
    'SASRec self-attention (tfjs), softmax cross-entropy at every position, early stopping on holdout NDCG@10',
  defaults: (c) => sequenceDefaults('sasrec', c),
  create: (p) => new SequenceRecommender('sasrec', p),
};

export const gru4recSpec: ModelSpec = {
  name: 'gru4rec',
  description:
    'GRU4Rec recurrent model (tfjs), tied embeddings, softmax cross-entropy at every position, early stopping',
  defaults: (c) => sequenceDefaults('gru4rec', c),
  create: (p) => new SequenceRecommender('gru4rec', p),
};
