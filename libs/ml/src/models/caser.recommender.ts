import { overrideParams } from '../training/model-params';
import * as tf from '@tensorflow/tfjs';
import type { Sequences } from '../datasets/sequence-dataset';
import type { FitOptions, Params, Recommender, TrainingData } from '../evaluation/recommender';
import { loadModel, ModelArtifactsData, saveModel } from '../runtime/model-artifacts';
import { initTf } from '../runtime/tf-runtime';
import {
  trainSequenceModel,
  TrainerState,
  TrainingReport,
  TrainingSettings,
} from '../training/sequence-trainer';
import { carveHoldout } from '../training/validation-holdout';
import { buildCaser, CaserEncoder } from './caser.model';
import { encodeHistories } from './sequence-features';
import {
  epochAverages,
  fitCallbacks,
  holdoutNote,
  holdoutValidator,
  resolveProgress,
  softmaxNote,
} from '../training/fit-support';

/** Caser's architecture + the shared trainer's settings. */
export interface CaserParams {
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
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** 0: full softmax; n: sampled softmax with n negatives + in-batch targets (+ logQ). */
  readonly negatives: number;
  readonly negativeAlpha: number;
  readonly logQ: boolean;
  readonly windows: 'last' | 'all';
  readonly patience: number;
  readonly evalEvery: number;
  readonly validationSequences: number;
  readonly progress: 'auto' | 'bar' | 'log' | 'none';
  readonly stopFile: string;
  readonly seed: number;
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

const ARTIFACT_FORMAT = 'pulse-caser-recommender/1';

/**
 * Caser behind the harness's Recommender interface. Training is the shared
 * sequence trainer (softmax at every position, length buckets, early stopping
 * on a holdout carved from the training data, progress bars); scoring feeds
 * only each history's latest L items, the only ones Caser looks at.
 */
export class CaserRecommender implements Recommender {
  readonly name = 'caser';
  readonly params: CaserParams;
  private network: { model: tf.LayersModel; encoder: CaserEncoder } | undefined;
  private itemsT: tf.Tensor2D | undefined;
  private readonly trainer: TrainerState = { epochsDone: 0 };
  private lastReport: TrainingReport | undefined;
  private readonly noteList: string[] = [];

  constructor(params: Partial<CaserParams> = {}) {
    this.params = caserParams(params as Params);
  }

  get notes(): readonly string[] {
    return this.noteList;
  }
  get report(): TrainingReport | undefined {
    return this.lastReport;
  }
  get epochsTrained(): number {
    return this.trainer.epochsDone;
  }

  async fit(train: TrainingData, options: FitOptions = {}): Promise<void> {
    const runtime = await initTf();
    const p = this.params;
    const seed = options.seed ?? p.seed;
    if (this.network && this.network.encoder.numItems !== train.numItems) {
      throw new Error(
        `caser: loaded model has ${this.network.encoder.numItems} items, training data ${train.numItems}`,
      );
    }
    this.network ??= buildCaser({
      numItems: train.numItems,
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
    this.dropScoringTable();
    const holdout =
      p.validationSequences > 0 ? carveHoldout(train, p.validationSequences, seed) : undefined;
    const sequences: Sequences = holdout ? holdout.train : train.sequences;
    const progress = resolveProgress(p.progress, options);
    const settings: TrainingSettings = {
      epochs: p.epochs,
      batchSize: p.batchSize,
      learningRate: p.learningRate,
      negatives: p.negatives,
      negativeAlpha: p.negativeAlpha,
      logQ: p.logQ,
      windows: p.windows,
      patience: p.patience,
      evalEvery: p.evalEvery,
      seed,
      progress,
      ...fitCallbacks(p.stopFile, options),
      validate: holdoutValidator(this, holdout, seed, () => this.dropScoringTable()),
    };
    const r = (this.lastReport = await trainSequenceModel(
      this.network.encoder,
      sequences,
      settings,
      this.trainer,
    ));
    const avg = epochAverages(r.epochs);
    this.noteList.length = 0;
    this.noteList.push(
      `tfjs backend ${runtime.backend}; L ${p.windowLength}, n_h ${p.numHorizontal}, n_v ${p.numVertical}, d ${p.hiddenSize}` +
        `${p.tiedOutput ? ', tied output' : ''}; ` +
        `${r.epochs.length} epochs at ${avg.seconds.toFixed(1)} s/epoch (${avg.cpuSeconds.toFixed(1)} s CPU), best epoch ${r.bestEpoch}` +
        holdoutNote(r.bestValidation, holdout),
      softmaxNote(p.negatives, train.numItems, p.logQ),
      'no user embedding (the harness scores histories only)',
    );
  }

  private dropScoringTable(): void {
    this.itemsT?.dispose();
    this.itemsT = undefined;
  }

  private requireNetwork(): { model: tf.LayersModel; encoder: CaserEncoder } {
    if (!this.network) throw new Error('caser: call fit() or load() before scoring');
    return this.network;
  }

  /** Output table without the padding row, transposed once: [d + 1, numItems]. */
  private scoringTable(): tf.Tensor2D {
    if (!this.itemsT) {
      const { encoder } = this.requireNetwork();
      this.itemsT = tf.tidy(
        () =>
          tf.transpose(
            tf.slice(encoder.itemTable(), [1, 0], [encoder.numItems, encoder.hiddenSize]),
          ) as tf.Tensor2D,
      );
    }
    return this.itemsT;
  }

  scoreBatch(histories: readonly Int32Array[], out: Float32Array): void {
    const { encoder } = this.requireNetwork();
    const table = this.scoringTable();
    const { windowLength, maxLen, longTerm } = encoder.config;
    const batch = encodeHistories(histories, longTerm ? maxLen : windowLength);
    const scores = tf.tidy(() => {
      const ids = tf.tensor2d(batch.ids, [batch.rows, batch.length], 'int32');
      const hidden = encoder.apply(ids, { training: false }) as tf.Tensor3D;
      const last = tf.reshape(
        tf.slice(hidden, [0, batch.length - 1, 0], [batch.rows, 1, encoder.hiddenSize]),
        [batch.rows, encoder.hiddenSize],
      ) as tf.Tensor2D;
      return tf.matMul(last, table);
    });
    out.set((scores.dataSync() as Float32Array).subarray(0, histories.length * table.shape[1]));
    scores.dispose();
  }

  scoreAll(history: Int32Array, out: Float32Array): void {
    this.scoreBatch([history], out);
  }

  /** Plain artifacts (topology + weights + params) for files or GridFS. */
  async save(): Promise<ModelArtifactsData> {
    return saveModel(this.requireNetwork().model, {
      format: ARTIFACT_FORMAT,
      params: this.params,
      epochsTrained: this.trainer.epochsDone,
    });
  }

  /** Restores a saved Caser; `fit` on it continues training (Adam restarts its moments). */
  static async load(
    artifacts: ModelArtifactsData,
    overrides: Partial<CaserParams> = {},
  ): Promise<CaserRecommender> {
    await initTf();
    const meta = artifacts.userDefinedMetadata as
      { format?: string; params?: CaserParams; epochsTrained?: number } | undefined;
    if (meta?.format !== ARTIFACT_FORMAT || !meta.params)
      throw new Error(`not a ${ARTIFACT_FORMAT} artifact`);
    const model = await loadModel(artifacts);
    const encoder = model.layers.find((l) => l instanceof CaserEncoder) as CaserEncoder | undefined;
    if (!encoder) throw new Error('artifact has no Caser encoder layer');
    const rec = new CaserRecommender({ ...meta.params, ...overrides });
    rec.network = { model, encoder };
    rec.trainer.epochsDone = meta.epochsTrained ?? 0;
    return rec;
  }

  dispose(): void {
    this.dropScoringTable();
    this.network?.model.dispose();
    this.network = undefined;
    this.trainer.optimizer?.dispose();
    this.trainer.optimizer = undefined;
  }
}
