import * as tf from '@tensorflow/tfjs';
import type { Sequences } from '../datasets/sequence-dataset';
import type { FitOptions, Recommender, TrainingData } from '../evaluation/recommender';
import { loadModel, ModelArtifactsData, saveModel } from '../runtime/model-artifacts';
import { initTf } from '../runtime/tf-runtime';
import { fitCallbacks, holdoutValidator, resolveProgress } from '../training/fit-support';
import {
  trainSequenceModel,
  TrainerState,
  TrainingReport,
  TrainingSettings,
} from '../training/sequence-trainer';
import type { SequenceTrainingParams } from '../training/training-params';
import { carveHoldout, Holdout } from '../training/validation-holdout';
import type { SequenceEncoder } from './sequence-encoder';
import { encodeHistories } from './sequence-features';

/** A built or loaded network: the Keras model (what is saved) and its encoder layer (what trains and scores). */
export interface EncoderNetwork<E extends SequenceEncoder = SequenceEncoder> {
  readonly model: tf.LayersModel;
  readonly encoder: E;
}

/** What `save` writes beside the weights: a subclass's header (format tag first), then these. */
export type SavedMetadata<H, P> = H & { readonly params: P; readonly epochsTrained?: number };

/** What a finished `fit` hands a subclass to write its notes from. */
export interface FitSummary {
  readonly backend: string;
  readonly report: TrainingReport;
  readonly holdout: Holdout | undefined;
  readonly numItems: number;
}

/** How a subclass's `load` recognises its artifacts. */
export interface ArtifactCheck {
  readonly format: string;
  /** Header keys besides `params` the metadata must have (else: not this format). */
  readonly requires?: readonly string[];
  /** Layer classes that count as the encoder. */
  readonly encoders: readonly (abstract new (...args: never[]) => SequenceEncoder)[];
  /** The error when no layer is one of them. */
  readonly noEncoder: string;
}

/**
 * What SASRec, GRU4Rec and Caser share behind the harness's Recommender
 * interface, since all three are a SequenceEncoder layer: `fit` runs the
 * shared sequence trainer (softmax at every position, early stopping on a
 * holdout carved from the training data), scoring runs the encoder once per
 * batch and scores every item with one matMul against the item table, and
 * `save`/`load` go through plain artifacts.
 *
 * A subclass parses its params, builds its network, says how many of a
 * history's latest items scoring reads and what the notes say, and writes
 * `load` with `loadArtifacts` (static methods cannot be abstract).
 */
export abstract class SequenceEncoderRecommender<
  P extends SequenceTrainingParams,
  E extends SequenceEncoder,
> implements Recommender {
  abstract readonly name: string;
  private network: EncoderNetwork<E> | undefined;
  /** The item table transposed for scoring; dropped whenever the weights change. */
  private itemsT: tf.Tensor2D | undefined;
  private readonly trainer: TrainerState = { epochsDone: 0 };
  private lastReport: TrainingReport | undefined;
  private readonly noteList: string[] = [];

  protected constructor(readonly params: P) {}

  /** A fresh network for `numItems` items (fit calls it unless a network was loaded). */
  protected abstract build(numItems: number, seed: number): EncoderNetwork<E>;

  /** What a report says after `fit`, from the trainer's report. */
  protected abstract fitNotes(fit: FitSummary): string[];

  /** The artifact's format tag and what else `load` needs before the params. */
  protected abstract artifactHeader(): { readonly format: string };

  /** Latest items of a history that scoring feeds the encoder. */
  protected scoringWindow(encoder: E): number {
    return encoder.maxLen;
  }

  /**
   * Whether `fit` carves an early-stopping holdout from the training data:
   * not with `validationSequences` 0, nor with a negative patience (every
   * sequence trains, nothing validates).
   */
  private carvesHoldout(): boolean {
    return this.params.validationSequences > 0 && this.params.patience >= 0;
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

  /** Builds the network (or keeps a loaded one and trains it further) and trains it. */
  async fit(train: TrainingData, options: FitOptions = {}): Promise<void> {
    const runtime = await initTf();
    const p = this.params;
    const seed = options.seed ?? p.seed;
    if (this.network && this.network.encoder.numItems !== train.numItems) {
      throw new Error(
        `${this.name}: loaded model has ${this.network.encoder.numItems} items, training data ${train.numItems}`,
      );
    }
    this.network ??= this.build(train.numItems, seed);
    this.dropScoringTable();
    const holdout = this.carvesHoldout()
      ? carveHoldout(train, p.validationSequences, seed)
      : undefined;
    const sequences: Sequences = holdout ? holdout.train : train.sequences;
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
      progress: resolveProgress(p.progress, options),
      ...fitCallbacks(p.stopFile, options),
      validate: holdoutValidator(this, holdout, seed, () => this.dropScoringTable()),
    };
    const report = await trainSequenceModel(
      this.network.encoder,
      sequences,
      settings,
      this.trainer,
    );
    this.lastReport = report;
    const notes = this.fitNotes({
      backend: runtime.backend,
      report,
      holdout,
      numItems: train.numItems,
    });
    this.noteList.splice(0, this.noteList.length, ...notes);
  }

  private dropScoringTable(): void {
    this.itemsT?.dispose();
    this.itemsT = undefined;
  }

  private requireNetwork(): EncoderNetwork<E> {
    if (!this.network) throw new Error(`${this.name}: call fit() or load() before scoring`);
    return this.network;
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

  /** Hidden state after the latest item of each history, [B, hidden]. */
  embedHistories(histories: readonly Int32Array[]): tf.Tensor2D {
    const { encoder } = this.requireNetwork();
    const batch = encodeHistories(histories, this.scoringWindow(encoder));
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
      ...this.artifactHeader(),
      params: this.params,
      epochsTrained: this.trainer.epochsDone,
    });
  }

  /**
   * A subclass's `load`: checks the metadata `save` wrote, loads the model,
   * finds its encoder layer, and has `create` make the recommender from the
   * saved header and params; `fit` on it continues training (Adam restarts
   * its moments).
   */
  protected static async loadArtifacts<
    H,
    R extends SequenceEncoderRecommender<SequenceTrainingParams, SequenceEncoder>,
  >(
    artifacts: ModelArtifactsData,
    check: ArtifactCheck,
    create: (saved: SavedMetadata<H, R['params']>) => R,
  ): Promise<R> {
    await initTf();
    const meta = artifacts.userDefinedMetadata as Partial<Record<string, unknown>> | undefined;
    const required = ['params', ...(check.requires ?? [])];
    if (meta?.format !== check.format || required.some((key) => !meta[key])) {
      throw new Error(`not a ${check.format} artifact`);
    }
    const model = await loadModel(artifacts);
    const encoder = model.layers.find((layer) =>
      check.encoders.some((type) => layer instanceof type),
    ) as SequenceEncoder | undefined;
    if (!encoder) throw new Error(check.noEncoder);
    const saved = meta as SavedMetadata<H, R['params']>;
    const rec = create(saved);
    rec.network = { model, encoder };
    rec.trainer.epochsDone = saved.epochsTrained ?? 0;
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
