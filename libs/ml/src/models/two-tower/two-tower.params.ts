import { overrideParams } from '../../training/model-params';
import type { Params } from '../../evaluation/recommender';
import type { SampledSoftmaxParams } from '../../training/training-params';
import type { Pooling, Similarity } from './two-tower.model';

/** Everything that defines one two-tower model: architecture, features, training. */
export interface TwoTowerParams extends SampledSoftmaxParams {
  /** Per-feature embedding width e. */
  readonly embeddingSize: number;
  /** Hidden layer of each tower's MLP. */
  readonly hiddenSize: number;
  /** d: width of both towers' output (the dot-product space). */
  readonly outputSize: number;
  /** Latest items the shopper tower reads. */
  readonly maxLen: number;
  /** Latest items a derived interest state summarises (>= maxLen is used). */
  readonly interestWindow: number;
  readonly dropout: number;
  /** 'dot' (raw dot product) or 'cosine' (unit vectors, shopper times `scale`). */
  readonly similarity: Similarity;
  /** Inverse temperature of cosine scores (NISER uses 16); unused with 'dot'. */
  readonly scale: number;
  /** 'position': learned weight per "items ago"; 'attention': plus item-and-latest-item attention. */
  readonly pooling: Pooling;
  /** Share of item ids hidden per training step, so content alone must place an item (content models only). */
  readonly idDropout: number;
  /** Share of training examples shown only their interest state, not their items (content models only). */
  readonly historyDropout: number;
  readonly categorySlots: number;
  readonly titleSlots: number;
  readonly minTokenCount: number;
  readonly maxTitleVocabulary: number;
}

export const TWO_TOWER_DEFAULTS: TwoTowerParams = {
  embeddingSize: 64,
  hiddenSize: 128,
  outputSize: 64,
  maxLen: 50,
  interestWindow: 50,
  dropout: 0.1,
  similarity: 'dot',
  scale: 16,
  pooling: 'position',
  idDropout: 0.3,
  historyDropout: 0.1,
  categorySlots: 5,
  titleSlots: 16,
  minTokenCount: 2,
  maxTitleVocabulary: 20000,
  epochs: 100,
  batchSize: 256,
  learningRate: 0.001,
  negatives: 0,
  negativeAlpha: 0,
  logQ: true,
  patience: 3,
  evalEvery: 1,
  validationSequences: 3000,
  progress: 'auto',
  stopFile: '',
  seed: 42,
};

const POSITIVE_INTEGERS = [
  'embeddingSize',
  'hiddenSize',
  'outputSize',
  'maxLen',
  'batchSize',
  'categorySlots',
  'titleSlots',
  'minTokenCount',
  'maxTitleVocabulary',
  'evalEvery',
] as const;

/** Loosely typed spec params (CLI --set) -> TwoTowerParams; unknown or bad values throw, naming the parameter. */
export function twoTowerParams(params: Params): TwoTowerParams {
  const p = overrideParams('two-tower', TWO_TOWER_DEFAULTS, params);
  for (const k of POSITIVE_INTEGERS) {
    if (!Number.isInteger(p[k]) || p[k] < 1) {
      throw new Error(`two-tower parameter ${k} must be a positive integer, got ${p[k]}`);
    }
  }
  for (const k of ['dropout', 'idDropout', 'historyDropout'] as const) {
    if (!(p[k] >= 0 && p[k] < 1))
      throw new Error(`two-tower parameter ${k} must be in [0, 1), got ${p[k]}`);
  }
  if (!(p.learningRate > 0)) throw new Error(`two-tower parameter learningRate must be positive`);
  for (const k of ['epochs', 'negatives', 'patience', 'validationSequences'] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 0) {
      throw new Error(`two-tower parameter ${k} must be a non-negative integer, got ${p[k]}`);
    }
  }
  if (!['dot', 'cosine'].includes(p.similarity)) {
    throw new Error(`two-tower parameter similarity must be dot or cosine, got ${p.similarity}`);
  }
  if (!['position', 'attention'].includes(p.pooling)) {
    throw new Error(`two-tower parameter pooling must be position or attention, got ${p.pooling}`);
  }
  if (!(p.scale > 0)) throw new Error(`two-tower parameter scale must be positive, got ${p.scale}`);
  if (!['auto', 'bar', 'log', 'none'].includes(p.progress)) {
    throw new Error(`two-tower parameter progress must be auto, bar, log or none`);
  }
  return p;
}
