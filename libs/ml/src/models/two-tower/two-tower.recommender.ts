import * as tf from '@tensorflow/tfjs';
import {
  ItemContent,
  ShopperInterest,
  validateItemFeatureTable,
} from '../../datasets/item-features';
import type { Sequences } from '../../datasets/sequence-dataset';
import type {
  FitOptions,
  ModelCheckpoint,
  Params,
  Recommender,
  TrainingData,
} from '../../evaluation/recommender';
import type { ModelArtifactsData } from '../../runtime/model-artifacts';
import { initTf } from '../../runtime/tf-runtime';
import type { TrainingReport } from '../../training/sequence-trainer';
import { carveHoldout } from '../../training/validation-holdout';
import { EncodedHistories, HistoryEncoder } from './two-tower.batches';
import {
  ContentVocabulary,
  DEFAULT_LAYOUT,
  encodeInterest,
  encodeItemContent,
  encodeItemTable,
  FeatureLayout,
  interestSlotWidth,
  itemSlotWidth,
} from './two-tower.features';
import { TwoTowerNetwork } from './two-tower.model';
import { TwoTowerParams, twoTowerParams } from './two-tower.params';
import {
  trainTwoTower,
  trainTwoTowerPairs,
  twoTowerOptimizer,
  TwoTowerTrainerState,
} from './two-tower.trainer';
import { fitCallbacks, holdoutValidator, resolveProgress } from '../../training/fit-support';

/** An item for embedItems / embedShopper: a dense id the model was trained on, or content for a new item. */
export type ItemRef = number | ItemContent;

const ARTIFACT_FORMAT = 'pulse-two-tower/1';
/** Items per item-tower pass when embedding the whole catalogue (bounds peak memory). */
const ITEM_CHUNK = 8192;

/**
 * Two-tower retrieval model behind the harness's Recommender interface, plus
 * what the service needs beyond it: `embedItems` (including items listed
 * after training, from content alone), `embedShopper` (recent items + the
 * profile's interest state) and `scoreCandidates` (re-rank search results).
 */
export class TwoTowerRecommender implements Recommender {
  readonly name = 'two-tower';
  readonly params: TwoTowerParams;
  private net: TwoTowerNetwork | undefined;
  private vocab: ContentVocabulary | undefined;
  private itemSlots: Int32Array | undefined;
  private encoder: HistoryEncoder | undefined;
  private itemsT: tf.Tensor2D | undefined;
  private readonly trainer: TwoTowerTrainerState = { epochsDone: 0 };
  private lastReport: TrainingReport | undefined;
  private readonly noteList: string[] = [];

  constructor(params: Params | Partial<TwoTowerParams> = {}) {
    this.params = twoTowerParams(params as Params);
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
  /** Items the model was trained on (dense ids 0..numItems-1). */
  get numItems(): number {
    return this.requireNet().config.numItems;
  }
  /** Output dimension d of both towers. */
  get dimension(): number {
    return this.params.outputSize;
  }
  get hasContent(): boolean {
    return this.requireNet().hasContent;
  }

  private get layout(): FeatureLayout {
    return {
      ...DEFAULT_LAYOUT,
      categorySlots: this.params.categorySlots,
      titleSlots: this.params.titleSlots,
    };
  }

  async fit(train: TrainingData, options: FitOptions = {}): Promise<void> {
    await this.train(train, options, this.params);
  }

  /** More epochs on `train` for a fitted model: same optimizer state, no holdout, no early stopping. */
  async trainFurther(train: TrainingData, epochs: number, options: FitOptions = {}): Promise<void> {
    this.requireNet();
    const notes = [...this.noteList];
    await this.train(train, options, {
      ...this.params,
      epochs,
      validationSequences: 0,
      patience: 0,
    });
    const r = this.lastReport!;
    const cpu = r.epochs.reduce((s, e) => s + e.cpuSeconds, 0);
    this.noteList.splice(
      0,
      this.noteList.length,
      ...notes,
      `then ${r.epochs.length} more epoch(s) on all ${r.sequencesPerEpoch} training sequences (${cpu.toFixed(0)} s CPU)`,
    );
  }

  /** Weights, Adam's moments, the epoch count and the notes as they are now. */
  async checkpoint(): Promise<ModelCheckpoint> {
    const net = this.requireNet();
    const copy = (t: tf.Tensor) => tf.clone(t);
    const weights = Object.values(net.variables).map(copy);
    const moments = this.trainer.optimizer
      ? (await this.trainer.optimizer.getWeights()).map(({ name, tensor }) => ({
          name,
          tensor: copy(tensor),
        }))
      : undefined;
    const { epochsDone } = this.trainer;
    const notes = [...this.noteList];
    const report = this.lastReport;
    return {
      restore: async () => {
        if (this.net !== net) throw new Error('two-tower: checkpoint of another network');
        Object.values(net.variables).forEach((v, i) => v.assign(weights[i]!));
        this.trainer.optimizer?.dispose();
        this.trainer.optimizer = undefined;
        if (moments) {
          const adam = twoTowerOptimizer(this.params.learningRate);
          const values = moments.map(({ name, tensor }) => ({ name, tensor: copy(tensor) }));
          await adam.setWeights(values); // its variables keep the data; the handles can go
          values.forEach(({ tensor }) => tensor.dispose());
          this.trainer.optimizer = adam;
        }
        this.trainer.epochsDone = epochsDone;
        this.noteList.splice(0, this.noteList.length, ...notes);
        this.lastReport = report;
        this.dropScoringTable();
      },
      dispose: () => {
        weights.forEach((t) => t.dispose());
        moments?.forEach(({ tensor }) => tensor.dispose());
      },
    };
  }

  private async train(train: TrainingData, options: FitOptions, p: TwoTowerParams): Promise<void> {
    const runtime = await initTf();
    const seed = options.seed ?? p.seed;
    if (train.itemFeatures) validateItemFeatureTable(train.itemFeatures, train.numItems);
    if (this.net && this.net.config.numItems !== train.numItems) {
      throw new Error(
        `two-tower: loaded model has ${this.net.config.numItems} items, training data ${train.numItems}`,
      );
    }
    const layout = this.layout;
    this.vocab ??= ContentVocabulary.build(train.itemFeatures, p);
    // A loaded model keeps its vocabulary; fresh content re-encodes known items with it.
    if (!this.itemSlots || train.itemFeatures) {
      this.itemSlots = encodeItemTable(train.numItems, train.itemFeatures, this.vocab, layout);
    }
    this.net ??= new TwoTowerNetwork({
      numItems: train.numItems,
      vocabularySize: this.vocab.size,
      layout,
      embeddingSize: p.embeddingSize,
      hiddenSize: p.hiddenSize,
      outputSize: p.outputSize,
      maxLen: p.maxLen,
      dropout: p.dropout,
      seed,
      similarity: p.similarity,
      scale: p.scale,
      pooling: p.pooling,
    });
    this.encoder = this.makeEncoder();
    this.dropScoringTable();
    const holdout =
      p.validationSequences > 0 ? carveHoldout(train, p.validationSequences, seed) : undefined;
    const sequences: Sequences = holdout ? holdout.train : train.sequences;
    const progress = resolveProgress(p.progress, options);
    this.lastReport = await trainTwoTower(
      this.net,
      this.encoder,
      this.itemSlots,
      sequences,
      {
        epochs: p.epochs,
        batchSize: p.batchSize,
        learningRate: p.learningRate,
        negatives: p.negatives,
        negativeAlpha: p.negativeAlpha,
        logQ: p.logQ,
        idDropout: this.net.hasContent ? p.idDropout : 0,
        historyDropout: this.net.hasContent ? p.historyDropout : 0,
        interestWindow: p.interestWindow,
        patience: p.patience,
        evalEvery: p.evalEvery,
        seed,
        progress,
        ...fitCallbacks(p.stopFile, options),
        validate: holdoutValidator(this, holdout, seed, () => this.dropScoringTable()),
      },
      this.trainer,
    );
    this.dropScoringTable();
    const r = this.lastReport;
    const avg = r.epochs.reduce((s, e) => s + e.seconds, 0) / Math.max(1, r.epochs.length);
    const cpu = r.epochs.reduce((s, e) => s + e.cpuSeconds, 0) / Math.max(1, r.epochs.length);
    this.noteList.length = 0;
    this.noteList.push(
      `tfjs backend ${runtime.backend}; ${r.epochs.length} epochs at ${avg.toFixed(1)} s/epoch ` +
        `(${cpu.toFixed(1)} s CPU, ${Math.round(r.examplesPerEpoch / Math.max(avg, 1e-9))} ex/s), ` +
        `best epoch ${r.bestEpoch}` +
        (r.bestValidation !== undefined
          ? ` (holdout ${holdout!.split.protocol === 'session-prefix' ? 'MRR' : 'NDCG'}@10 ${r.bestValidation.toFixed(4)})`
          : ''),
      p.negatives > 0 && p.negatives < train.numItems
        ? `sampled softmax: ${p.negatives} negatives + in-batch targets${p.logQ ? ', logQ-corrected' : ''}`
        : 'full softmax over all items',
      this.net.hasContent
        ? `item content: ${this.vocab.size} feature keys (categories, brands, price bands, title tokens), id dropout ${p.idDropout}, history dropout ${p.historyDropout}`
        : 'no item content features: item tower = id embedding only, shopper tower = pooled item ids',
    );
  }

  /**
   * Continues training on given next-item pairs (dense ids, histories oldest
   * first): one pass in their order, in batches of `batchSize` (default the
   * params'), with fit's loss and dropout and the optimizer of `state` (Adam
   * at `learningRate`, created on first use and kept for the next call; the
   * caller disposes it). The learning loop's incremental updates call this
   * one small batch at a time, yielding in between. Returns the mean loss
   * (not finite if training diverged). The vocabulary and items stay as loaded.
   */
  async trainPairs(
    histories: readonly Int32Array[],
    targets: Int32Array,
    options: {
      readonly seed: number;
      readonly learningRate?: number;
      readonly batchSize?: number;
      readonly targetCounts?: Float64Array;
    },
    state: TwoTowerTrainerState,
  ): Promise<number> {
    const net = this.requireNet();
    const p = this.params;
    const window = Math.max(p.interestWindow, net.config.maxLen);
    for (const t of targets) this.checkItem(t);
    this.dropScoringTable();
    return trainTwoTowerPairs(
      net,
      this.encoder!,
      this.itemSlots!,
      histories.map((h) => (h.length > window ? h.subarray(h.length - window) : h)),
      targets,
      {
        batchSize: options.batchSize ?? p.batchSize,
        learningRate: options.learningRate ?? p.learningRate,
        negatives: p.negatives,
        negativeAlpha: p.negativeAlpha,
        logQ: p.logQ,
        idDropout: net.hasContent ? p.idDropout : 0,
        historyDropout: net.hasContent ? p.historyDropout : 0,
        seed: options.seed,
        targetCounts: options.targetCounts,
      },
      state,
    );
  }

  private makeEncoder(): HistoryEncoder {
    const net = this.requireNet();
    return new HistoryEncoder(
      this.itemSlots!,
      net.config.layout,
      net.hasContent,
      this.vocab!.size,
      net.config.maxLen,
    );
  }

  private requireNet(): TwoTowerNetwork {
    if (!this.net) throw new Error('two-tower: call fit() or load() before scoring');
    return this.net;
  }

  private dropScoringTable(): void {
    this.itemsT?.dispose();
    this.itemsT = undefined;
  }

  /** Item tower over the whole catalogue, transposed once: [d, numItems]. */
  private scoringTable(): tf.Tensor2D {
    if (!this.itemsT) {
      const net = this.requireNet();
      const n = net.config.numItems;
      const parts: tf.Tensor2D[] = [];
      for (let start = 0; start < n; start += ITEM_CHUNK) {
        const refs = Array.from({ length: Math.min(ITEM_CHUNK, n - start) }, (_, i) => start + i);
        parts.push(this.itemTensor(refs));
      }
      this.itemsT = tf.tidy(() => tf.transpose(tf.concat(parts, 0)) as tf.Tensor2D);
      parts.forEach((t) => t.dispose());
    }
    return this.itemsT;
  }

  /** Item embeddings [n, d] for known ids or new items' content. */
  private itemTensor(refs: readonly ItemRef[]): tf.Tensor2D {
    const net = this.requireNet();
    const w = itemSlotWidth(net.config.layout);
    const ids = new Int32Array(refs.length);
    const keep = new Float32Array(refs.length);
    const slots = new Int32Array(refs.length * w);
    refs.forEach((ref, i) => {
      if (typeof ref === 'number') {
        this.checkItem(ref);
        ids[i] = ref + 1;
        keep[i] = 1;
        slots.set(this.itemSlots!.subarray((ref + 1) * w, (ref + 2) * w), i * w);
      } else {
        encodeItemContent(ref, this.vocab!, net.config.layout, slots, i * w);
      }
    });
    return tf.tidy(() =>
      net.embedItems(
        {
          ids: tf.tensor1d(ids, 'int32'),
          slots: net.hasContent ? tf.tensor2d(slots, [refs.length, w], 'int32') : undefined,
          idKeep: tf.tensor2d(keep, [refs.length, 1]),
        },
        false,
      ),
    );
  }

  private checkItem(ref: number): void {
    const n = this.requireNet().config.numItems;
    if (!Number.isInteger(ref) || ref < 0 || ref >= n) {
      throw new Error(
        `item ${ref} is not a trained item id (0..${n - 1}); pass its content instead`,
      );
    }
  }

  private shopperTensor(enc: EncodedHistories): tf.Tensor2D {
    const net = this.requireNet();
    const w = itemSlotWidth(net.config.layout);
    return tf.tidy(() =>
      net.embedShoppers(
        {
          ids: tf.tensor1d(enc.ids, 'int32'),
          slots: enc.slots && tf.tensor2d(enc.slots, [enc.ids.length, w], 'int32'),
          idKeep: tf.tensor2d(enc.present, [enc.present.length, 1]),
        },
        tf.tensor2d(enc.present, [enc.rows, enc.length]),
        enc.interest &&
          tf.tensor2d(enc.interest, [enc.rows, interestSlotWidth(net.config.layout)], 'int32'),
        false,
      ),
    );
  }

  scoreBatch(histories: readonly Int32Array[], out: Float32Array): void {
    const table = this.scoringTable();
    const enc = this.encoder!.encode(histories);
    const scores = tf.tidy(() => tf.matMul(this.shopperTensor(enc), table));
    out.set((scores.dataSync() as Float32Array).subarray(0, histories.length * table.shape[1]));
    scores.dispose();
  }

  scoreAll(history: Int32Array, out: Float32Array): void {
    this.scoreBatch([history], out);
  }

  /** Item vectors, row i for items[i] (numbers: trained ids; objects: new items from content). */
  embedItems(items: readonly ItemRef[]): Float32Array {
    if (items.length === 0) return new Float32Array(0);
    const t = this.itemTensor(items);
    const data = t.dataSync() as Float32Array;
    t.dispose();
    return data;
  }

  /**
   * The shopper vector for recent items (oldest first; new items by content)
   * and, when given, the profile's interest state; without it the interest is
   * derived from the recent items as in training.
   */
  embedShopper(recentItems: readonly ItemRef[], interest?: ShopperInterest): Float32Array {
    const net = this.requireNet();
    const layout = net.config.layout;
    const w = itemSlotWidth(layout);
    const extra: number[] = [];
    const newRows: ItemContent[] = [];
    for (const ref of recentItems) {
      if (typeof ref === 'number') {
        this.checkItem(ref);
        extra.push(ref);
      } else {
        newRows.push(ref);
        extra.push(-newRows.length);
      }
    }
    const extraSlots = new Int32Array(newRows.length * w);
    newRows.forEach((c, k) => encodeItemContent(c, this.vocab!, layout, extraSlots, k * w));
    let given: Int32Array | undefined;
    if (interest && net.hasContent) {
      given = new Int32Array(interestSlotWidth(layout));
      encodeInterest(interest, this.vocab!, layout, given, 0);
    }
    const enc = this.encoder!.encode([Int32Array.from(extra)], extraSlots, [given]);
    const t = this.shopperTensor(enc);
    const data = t.dataSync() as Float32Array;
    t.dispose();
    return data;
  }

  /** Dot-product scores of candidates (e.g. search results) for a shopper. */
  scoreCandidates(
    recentItems: readonly ItemRef[],
    candidates: readonly ItemRef[],
    interest?: ShopperInterest,
  ): Float32Array {
    const shopper = this.embedShopper(recentItems, interest);
    const vectors = this.embedItems(candidates);
    const d = shopper.length;
    const scores = new Float32Array(candidates.length);
    for (let i = 0; i < candidates.length; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += shopper[k] * vectors[i * d + k];
      scores[i] = s;
    }
    return scores;
  }

  /** Plain artifacts (weights, item content rows, vocabulary, params) for files or GridFS. */
  async save(): Promise<ModelArtifactsData> {
    const net = this.requireNet();
    const tensors: tf.NamedTensorMap = { ...net.variables };
    const slots = tf.tensor1d(this.itemSlots!, 'int32');
    tensors.item_content_slots = slots;
    const { data, specs } = await tf.io.encodeWeights(tensors);
    slots.dispose();
    const meta = {
      format: ARTIFACT_FORMAT,
      params: this.params,
      config: net.config,
      vocabulary: this.vocab!.keys,
      epochsTrained: this.trainer.epochsDone,
    };
    return {
      modelTopology: { className: 'PulseTwoTower', config: net.config },
      weightSpecs: specs,
      weightData: data,
      format: ARTIFACT_FORMAT,
      generatedBy: 'pulse two-tower',
      userDefinedMetadata: meta,
    };
  }

  /** Restores a saved model; `fit` on it trains further (Adam restarts its moments). */
  static async load(
    artifacts: ModelArtifactsData,
    overrides: Partial<TwoTowerParams> = {},
  ): Promise<TwoTowerRecommender> {
    await initTf();
    const meta = artifacts.userDefinedMetadata as
      | {
          format?: string;
          params?: TwoTowerParams;
          config?: TwoTowerNetwork['config'];
          vocabulary?: string[];
          epochsTrained?: number;
        }
      | undefined;
    if (meta?.format !== ARTIFACT_FORMAT || !meta.params || !meta.config || !meta.vocabulary) {
      throw new Error(`not a ${ARTIFACT_FORMAT} artifact`);
    }
    const weights = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
    const slots = weights.item_content_slots;
    if (!slots) throw new Error('two-tower artifact: missing item_content_slots');
    delete weights.item_content_slots;
    const rec = new TwoTowerRecommender({ ...meta.params, ...overrides });
    rec.vocab = new ContentVocabulary(meta.vocabulary);
    rec.itemSlots = Int32Array.from(slots.dataSync() as Int32Array);
    rec.net = new TwoTowerNetwork(meta.config, weights);
    for (const t of [slots, ...Object.values(weights)]) t.dispose();
    rec.encoder = rec.makeEncoder();
    rec.trainer.epochsDone = meta.epochsTrained ?? 0;
    return rec;
  }

  dispose(): void {
    this.dropScoringTable();
    this.net?.dispose();
    this.net = undefined;
    this.trainer.optimizer?.dispose();
    this.trainer.optimizer = undefined;
  }
}
