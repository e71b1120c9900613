import { overrideParams } from '../training/model-params';
import * as tf from '@tensorflow/tfjs';
import type { Sequences } from '../datasets/sequence-dataset';
import type { FitOptions, Params, Recommender, TrainingData } from '../evaluation/recommender';
import { initTf } from '../runtime/tf-runtime';
import { loadModel, ModelArtifactsData, saveModel } from '../runtime/model-artifacts';
import { carveHoldout } from '../training/validation-holdout';
import {
  trainSequenceModel,
  TrainerState,
  TrainingReport,
  TrainingSettings,
} from '../training/sequence-trainer';
import { buildGru4rec, Gru4recEncoder } from './gru4rec.model';
import { buildSasrec, SasrecEncoder } from './sasrec.model';
import type { SequenceEncoder } from './sequence-encoder';
import { encodeHistories } from './sequence-features';
import {
  epochAverages,
  fitCallbacks,
  holdoutNote,
  holdoutValidator,
  resolveProgress,
  softmaxNote,
} from '../training/fit-support';

export type SequenceModelKind = 'sasrec' | 'gru4rec';

/** Everything that defines one sequence recommender: architecture + training settings. */
export interface SequenceModelParams {
  readonly hiddenSize: number;
  readonly maxLen: number;
  readonly dropout: number;
  /** SASRec only. */
  readonly numBlocks: number;
  readonly numHeads: number;
  /** GRU4Rec only: dropout on the GRU output. */
  readonly outputDropout: number;
  /** GRU4Rec only: add each input embedding to the GRU output (see Gru4recConfig.inputSkip). */
  readonly inputSkip: boolean;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** 0: full softmax; n: sampled softmax with n negatives + in-batch targets + logQ. */
  readonly negatives: number;
  readonly negativeAlpha: number;
  readonly logQ: boolean;
  readonly windows: 'last' | 'all';
  /** Early stopping: evaluations without improvement (0 = off, train all epochs). */
  readonly patience: number;
  readonly evalEvery: number;
  /** Sequences carved from the training data for early stopping (0 = none). */
  readonly validationSequences: number;
  readonly progress: 'auto' | 'bar' | 'log' | 'none';
  /** If set, training stops after the epoch during which this file appears (long runs on shared machines). */
  readonly stopFile: string;
  readonly seed: number;
}

export const SEQUENCE_MODEL_DEFAULTS: SequenceModelParams = {
  hiddenSize: 64,
  maxLen: 50,
  dropout: 0.2,
  numBlocks: 2,
  numHeads: 1,
  outputDropout: 0,
  inputSkip: false,
  epochs: 200,
  batchSize: 128,
  learningRate: 0.001,
  negatives: 0,
  negativeAlpha: 0,
  logQ: true,
  windows: 'last',
  patience: 5,
  evalEvery: 2,
  validationSequences: 3000,
  progress: 'auto',
  stopFile: '',
  seed: 42,
};

/** Turns loosely typed spec params (CLI --set) into SequenceModelParams, rejecting unknown or bad values. */
export function sequenceParams(params: Params): SequenceModelParams {
  const p = overrideParams('sequence-model', SEQUENCE_MODEL_DEFAULTS, params);
  if (!['last', 'all'].includes(p.windows))
    throw new Error(`windows must be last or all, got ${p.windows}`);
  if (!['auto', 'bar', 'log', 'none'].includes(p.progress))
    throw new Error(`progress must be auto, bar, log or none`);
  for (const k of ['hiddenSize', 'maxLen', 'batchSize', 'numBlocks', 'numHeads'] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 1)
      throw new Error(`${k} must be a positive integer, got ${p[k]}`);
  }
  if (!(p.dropout >= 0 && p.dropout < 1))
    throw new Error(`dropout must be in [0, 1), got ${p.dropout}`);
  if (!(p.learningRate > 0))
    throw new Error(`learningRate must be positive, got ${p.learningRate}`);
  return p;
}

interface Network {
  readonly model: tf.LayersModel;
  readonly encoder: SequenceEncoder;
}

const ARTIFACT_FORMAT = 'pulse-sequence-recommender/1';

/**
 * A trained sequence model behind the harness's Recommender interface.
 * `fit` builds the network (or keeps a loaded one and trains it further),
 * `scoreBatch` runs the encoder once per batch and scores every item with one
 * matMul against the item table; `save`/`load` go through plain artifacts.
 */
export class SequenceRecommender implements Recommender {
  readonly params: SequenceModelParams;
  private network: Network | undefined;
  private itemsT: tf.Tensor2D | undefined;
  private readonly trainer: TrainerState = { epochsDone: 0 };
  private lastReport: TrainingReport | undefined;
  private readonly noteList: string[] = [];

  constructor(
    readonly kind: SequenceModelKind,
    params: Partial<SequenceModelParams> = {},
  ) {
    this.params = sequenceParams(params as Params);
  }

  get name(): string {
    return this.kind;
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
  get model(): tf.LayersModel | undefined {
    return this.network?.model;
  }

  private build(numItems: number, seed: number): Network {
    const p = this.params;
    if (this.kind === 'sasrec') {
      return buildSasrec({
        numItems,
        hiddenSize: p.hiddenSize,
        numBlocks: p.numBlocks,
        numHeads: p.numHeads,
        maxLen: p.maxLen,
        dropout: p.dropout,
        innerSize: p.hiddenSize,
        seed,
      });
    }
    return buildGru4rec({
      numItems,
      hiddenSize: p.hiddenSize,
      maxLen: p.maxLen,
      dropout: p.dropout,
      outputDropout: p.outputDropout,
      inputSkip: p.inputSkip,
      seed,
    });
  }

  async fit(train: TrainingData, options: FitOptions = {}): Promise<void> {
    const runtime = await initTf();
    const p = this.params;
    const seed = options.seed ?? p.seed;
    if (this.network && this.network.encoder.numItems !== train.numItems) {
      throw new Error(
        `loaded model has ${this.network.encoder.numItems} items, training data ${train.numItems}`,
      );
    }
    this.network ??= this.build(train.numItems, seed);
    this.dropScoringTable();
    const holdout =
      p.validationSequences > 0 && p.patience >= 0
        ? carveHoldout(train, p.validationSequences, seed)
        : undefined;
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
    this.lastReport = await trainSequenceModel(
      this.network.encoder,
      sequences,
      settings,
      this.trainer,
    );
    const r = this.lastReport;
    const avg = epochAverages(r.epochs);
    this.noteList.length = 0;
    this.noteList.push(
      `tfjs backend ${runtime.backend}; ${r.epochs.length} epochs at ${avg.seconds.toFixed(1)} s/epoch ` +
        `(${avg.cpuSeconds.toFixed(1)} s CPU) ` +
        `(${Math.round(r.examplesPerEpoch / avg.seconds)} ex/s), best epoch ${r.bestEpoch}` +
        holdoutNote(r.bestValidation, holdout),
      softmaxNote(p.negatives, train.numItems, p.logQ),
    );
  }

  private dropScoringTable(): void {
    this.itemsT?.dispose();
    this.itemsT = undefined;
  }

  /** Item table without the padding row, transposed once: [hidden, numItems]. */
  private scoringTable(): tf.Tensor2D {
    if (!this.itemsT) {
      const { encoder } = this.requireNetwork();
      this.itemsT = tf.tidy(() => {
        const table = encoder.itemTable();
        return tf.transpose(
          tf.slice(table, [1, 0], [encoder.numItems, encoder.hiddenSize]),
        ) as tf.Tensor2D;
      });
    }
    return this.itemsT;
  }

  private requireNetwork(): Network {
    if (!this.network) throw new Error(`${this.kind}: call fit() or load() before scoring`);
    return this.network;
  }

  /** Hidden state after the latest item of each history, [B, hidden]. */
  embedHistories(histories: readonly Int32Array[]): tf.Tensor2D {
    const { encoder } = this.requireNetwork();
    const batch = encodeHistories(histories, encoder.maxLen);
    return tf.tidy(() => {
      const ids = tf.tensor2d(batch.ids, [batch.rows, batch.length], 'int32');
      const hidden = encoder.apply(ids, { training: false }) as tf.Tensor3D;
      return tf.reshape(
        tf.slice(hidden, [0, batch.length - 1, 0], [batch.rows, 1, encoder.hiddenSize]),
        [batch.rows, encoder.hiddenSize],
      ) as tf.Tensor2D;
    });
  }

  scoreBatch(histories: readonly Int32Array[], out: Float32Array): void {
    const table = this.scoringTable();
    const scores = tf.tidy(() => tf.matMul(this.embedHistories(histories), table));
    const data = scores.dataSync() as Float32Array;
    out.set(data.subarray(0, histories.length * table.shape[1]));
    scores.dispose();
  }

  scoreAll(history: Int32Array, out: Float32Array): void {
    this.scoreBatch([history], out);
  }

  /** Plain artifacts (topology + weights + this recommender's params) for files or GridFS. */
  async save(): Promise<ModelArtifactsData> {
    const { model } = this.requireNetwork();
    return saveModel(model, {
      format: ARTIFACT_FORMAT,
      kind: this.kind,
      params: this.params,
      epochsTrained: this.trainer.epochsDone,
    });
  }

  /** Restores a saved recommender; `fit` on it continues training (Adam restarts its moments). */
  static async load(
    artifacts: ModelArtifactsData,
    overrides: Partial<SequenceModelParams> = {},
  ): Promise<SequenceRecommender> {
    await initTf();
    const meta = artifacts.userDefinedMetadata as
      | {
          format?: string;
          kind?: SequenceModelKind;
          params?: SequenceModelParams;
          epochsTrained?: number;
        }
      | undefined;
    if (meta?.format !== ARTIFACT_FORMAT || !meta.kind || !meta.params) {
      throw new Error(`not a ${ARTIFACT_FORMAT} artifact`);
    }
    const model = await loadModel(artifacts);
    const encoder = model.layers.find(
      (l) => l instanceof SasrecEncoder || l instanceof Gru4recEncoder,
    ) as (SasrecEncoder | Gru4recEncoder) | undefined;
    if (!encoder) throw new Error('artifact has no Pulse sequence encoder layer');
    const rec = new SequenceRecommender(meta.kind, { ...meta.params, ...overrides });
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
