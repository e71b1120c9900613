import type { Params } from '../evaluation/recommender';
import type { ModelArtifactsData } from '../runtime/model-artifacts';
import { epochAverages, holdoutNote, softmaxNote } from '../training/fit-support';
import { overrideParams } from '../training/model-params';
import type { SequenceTrainingParams } from '../training/training-params';
import { buildCaser, CaserEncoder } from './caser.model';
import {
  ArtifactCheck,
  EncoderNetwork,
  FitSummary,
  SequenceEncoderRecommender,
} from './sequence-encoder.recommender';

/** Caser's architecture + the shared trainer's settings. */
export interface CaserParams extends SequenceTrainingParams {
  /** d: item embedding and dense-layer size. */
  readonly hiddenSize: number;
  /** L: latest items per prediction. */
  readonly windowLength: number;
  readonly numHorizontal: number;
  readonly numVertical: number;
  readonly dropout: number;
  /** Dropout on the input item embeddings (training only; SASRec-style). */
  readonly embeddingDropout: number;
  /** Trainer window (positions per training row); any value >= windowLength trains the same windows. */
  readonly maxLen: number;
  /** Score with the input embeddings (+ bias) instead of a separate output table. */
  readonly tiedOutput: boolean;
  /** Add the projected mean of the history's embeddings to z (stands in for the user embedding); scoring then reads maxLen items. */
  readonly longTerm: boolean;
  /** Add the latest item's embedding to z (a direct transition term, as GRU4Rec's inputSkip). */
  readonly inputSkip: boolean;
}

/** Caser's paper defaults where they apply (d 50, L 5, n_h 16, n_v 4, dropout 0.5). */
export const CASER_DEFAULTS: CaserParams = {
  hiddenSize: 50,
  windowLength: 5,
  numHorizontal: 16,
  numVertical: 4,
  dropout: 0.5,
  embeddingDropout: 0,
  maxLen: 20,
  tiedOutput: false,
  longTerm: false,
  inputSkip: false,
  epochs: 200,
  batchSize: 256,
  // 0.004: Beauty holdout NDCG@10 0.0289 after 4 epochs vs 0.0112 at 0.001.
  learningRate: 0.004,
  negatives: 0,
  negativeAlpha: 0,
  logQ: true,
  windows: 'all',
  patience: 5,
  evalEvery: 2,
  validationSequences: 3000,
  progress: 'auto',
  stopFile: '',
  seed: 42,
};

/** Loosely typed spec params (CLI --set) -> CaserParams; unknown keys and bad values name the field. */
export function caserParams(params: Params): CaserParams {
  const p = overrideParams('caser', CASER_DEFAULTS, params);
  for (const k of ['hiddenSize', 'windowLength', 'maxLen', 'batchSize', 'epochs'] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 1)
      throw new Error(`caser.${k}: must be a positive integer, got ${p[k]}`);
  }
  for (const k of ['numHorizontal', 'numVertical', 'negatives'] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 0)
      throw new Error(`caser.${k}: must be a non-negative integer, got ${p[k]}`);
  }
  if (p.numHorizontal + p.numVertical === 0)
    throw new Error('caser.numHorizontal: numHorizontal and numVertical are both 0');
  if (!(p.dropout >= 0 && p.dropout < 1))
    throw new Error(`caser.dropout: must be in [0, 1), got ${p.dropout}`);
  if (!(p.embeddingDropout >= 0 && p.embeddingDropout < 1))
    throw new Error(`caser.embeddingDropout: must be in [0, 1), got ${p.embeddingDropout}`);
  if (!(p.learningRate > 0))
    throw new Error(`caser.learningRate: must be positive, got ${p.learningRate}`);
  if (!['last', 'all'].includes(p.windows))
    throw new Error(`caser.windows: must be last or all, got ${p.windows}`);
  if (!['auto', 'bar', 'log', 'none'].includes(p.progress))
    throw new Error(`caser.progress: must be auto, bar, log or none, got ${p.progress}`);
  return p;
}

/** Caser's artifact tag, and what `load` looks for in an artifact. */
const ARTIFACTS: ArtifactCheck = {
  format: 'pulse-caser-recommender/1',
  encoders: [CaserEncoder],
  noEncoder: 'artifact has no Caser encoder layer',
};

/**
 * Caser behind the harness's Recommender interface. Training, scoring and
 * artifacts are the shared sequence-encoder machinery (softmax at every
 * position, length buckets, early stopping on a holdout carved from the
 * training data, progress bars); scoring feeds only each history's latest L
 * items, the only ones Caser looks at (maxLen with the long-term vector).
 */
export class CaserRecommender extends SequenceEncoderRecommender<CaserParams, CaserEncoder> {
  readonly name = 'caser';

  constructor(params: Partial<CaserParams> = {}) {
    super(caserParams(params as Params));
  }

  protected build(numItems: number, seed: number): EncoderNetwork<CaserEncoder> {
    const p = this.params;
    return buildCaser({
      numItems,
      embeddingSize: p.hiddenSize,
      windowLength: p.windowLength,
      numHorizontal: p.numHorizontal,
      numVertical: p.numVertical,
      dropout: p.dropout,
      maxLen: Math.max(p.maxLen, 1),
      tiedOutput: p.tiedOutput,
      longTerm: p.longTerm,
      inputSkip: p.inputSkip,
      embeddingDropout: p.embeddingDropout,
      seed,
    });
  }

  protected override scoringWindow(encoder: CaserEncoder): number {
    const { windowLength, maxLen, longTerm } = encoder.config;
    return longTerm ? maxLen : windowLength;
  }

  protected fitNotes({ backend, report: r, holdout, numItems }: FitSummary): string[] {
    const p = this.params;
    const avg = epochAverages(r.epochs);
    return [
      `tfjs backend ${backend}; L ${p.windowLength}, n_h ${p.numHorizontal}, n_v ${p.numVertical}, d ${p.hiddenSize}` +
        `${p.tiedOutput ? ', tied output' : ''}; ` +
        `${r.epochs.length} epochs at ${avg.seconds.toFixed(1)} s/epoch (${avg.cpuSeconds.toFixed(1)} s CPU), best epoch ${r.bestEpoch}` +
        holdoutNote(r.bestValidation, holdout),
      softmaxNote(p.negatives, numItems, p.logQ),
      'no user embedding (the harness scores histories only)',
    ];
  }

  protected artifactHeader() {
    return { format: ARTIFACTS.format };
  }

  /** Restores a saved Caser; `fit` on it continues training (Adam restarts its moments). */
  static async load(
    artifacts: ModelArtifactsData,
    overrides: Partial<CaserParams> = {},
  ): Promise<CaserRecommender> {
    return SequenceEncoderRecommender.loadArtifacts(
      artifacts,
      ARTIFACTS,
      (saved: { params: CaserParams }) => new CaserRecommender({ ...saved.params, ...overrides }),
    );
  }
}
