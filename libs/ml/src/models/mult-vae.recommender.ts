import * as tf from '@tensorflow/tfjs';
import { sequenceCount } from '../datasets/sequence-dataset';
import { scoreSplit } from '../evaluation/harness';
import type { FitOptions, Params, Recommender, TrainingData } from '../evaluation/recommender';
import type { ModelArtifactsData } from '../runtime/model-artifacts';
import { initTf } from '../runtime/tf-runtime';
import { carveHoldout } from '../training/validation-holdout';
import { InteractionVectors } from './mult-vae.inputs';
import {
  decodeHidden,
  denseTensors,
  DenseTensors,
  embeddingBag,
  encode,
  initMultVaeWeights,
  MULT_VAE_PARAMS,
  multVaeParamShape,
  MultVaeShape,
  MultVaeWeights,
} from './mult-vae.model';
import { MultVaeParams, multVaeParams } from './mult-vae.params';
import { MultVaeNetwork, MultVaeReport, trainMultVae } from './mult-vae.trainer';
import { fitCallbacks, resolveProgress } from '../training/fit-support';

const ARTIFACT_FORMAT = 'pulse-mult-vae/1';

interface ScoringTensors {
  readonly dense: DenseTensors;
  /** Decoder output table transposed once: [hidden, numItems]. */
  readonly decT: tf.Tensor2D;
  readonly decBias: tf.Tensor1D;
}

/**
 * Mult-VAE behind the harness's Recommender interface. A history (a shopper's
 * items or a session's prefix) becomes its interaction vector; the score of
 * every item is the decoder's logit at the mean of q(z | history) (no
 * sampling at scoring time, as in the paper).
 */
export class MultVaeRecommender implements Recommender {
  readonly name = 'mult-vae';
  readonly params: MultVaeParams;
  private net: MultVaeNetwork | undefined;
  private scoring: ScoringTensors | undefined;
  private vectors: InteractionVectors | undefined;
  private lastReport: MultVaeReport | undefined;
  private readonly noteList: string[] = [];

  constructor(params: Partial<MultVaeParams> | Params = {}) {
    this.params = multVaeParams(params as Params);
  }

  get notes(): readonly string[] {
    return this.noteList;
  }
  get report(): MultVaeReport | undefined {
    return this.lastReport;
  }
  get epochsTrained(): number {
    return this.net?.epochsDone ?? 0;
  }
  get shape(): MultVaeShape | undefined {
    return this.net?.shape;
  }

  async fit(train: TrainingData, options: FitOptions = {}): Promise<void> {
    const runtime = await initTf();
    const p = this.params;
    const seed = options.seed ?? p.seed;
    if (this.net && this.net.shape.numItems !== train.numItems) {
      throw new Error(
        `mult-vae: loaded model has ${this.net.shape.numItems} items, training data ${train.numItems}`,
      );
    }
    if (!this.net) {
      const shape = {
        numItems: train.numItems,
        hiddenSize: p.hiddenSize,
        latentSize: p.latentSize,
      };
      this.net = { shape, weights: initMultVaeWeights(shape, seed), step: 0, epochsDone: 0 };
    }
    this.vectors = new InteractionVectors(train.numItems, p.inputDecay);
    this.dropScoring();
    const holdout =
      p.validationSequences > 0 ? carveHoldout(train, p.validationSequences, seed) : undefined;
    const sequences = holdout ? holdout.train : train.sequences;
    const sessions = train.kind === 'sessions';
    const progress = resolveProgress(p.progress, options);
    const stepsPerEpoch = Math.ceil(sequenceCount(sequences) / p.batchSize);
    const report = trainMultVae(this.net, sequences, {
      epochs: p.epochs,
      batchSize: p.batchSize,
      learningRate: p.learningRate,
      dropout: p.dropout,
      beta: p.beta,
      annealSteps: p.annealEpochs * stepsPerEpoch,
      negatives: p.negatives,
      inputDecay: p.inputDecay,
      patience: p.patience,
      evalEvery: p.evalEvery,
      seed,
      progress,
      ...fitCallbacks(p.stopFile, options),
      onUpdate: () => this.dropScoring(),
      // Sessions: MRR@20 (Diginetica's metric); users: NDCG@10 (Beauty's).
      validate: holdout
        ? () => {
            const scored = scoreSplit(this, holdout.split, { ks: [10, 20], seed, batchSize: 256 });
            return sessions ? scored.metrics.mrr[20] : scored.metrics.ndcg[10];
          }
        : undefined,
    });
    this.lastReport = report;
    const n = Math.max(1, report.epochs.length);
    const avg = report.epochs.reduce((s, e) => s + e.seconds, 0) / n;
    const avgCpu = report.epochs.reduce((s, e) => s + e.cpuSeconds, 0) / n;
    this.noteList.length = 0;
    this.noteList.push(
      `tfjs backend ${runtime.backend}; ${report.epochs.length} epochs at ${avg.toFixed(1)} s/epoch ` +
        `(${avgCpu.toFixed(1)} s CPU), best epoch ${report.bestEpoch}, beta ${report.bestBeta.toFixed(3)}` +
        (report.bestValidation !== undefined
          ? ` (holdout ${sessions ? 'MRR@20' : 'NDCG@10'} ${report.bestValidation.toFixed(4)} on ${holdout!.split.cases.targets.length} cases)`
          : ''),
      p.negatives > 0 && p.negatives < train.numItems
        ? `sampled softmax: batch items + ${p.negatives} uniform negatives, logQ-corrected`
        : 'full softmax over all items',
    );
  }

  private requireNet(): MultVaeNetwork {
    if (!this.net) throw new Error('mult-vae: call fit() or load() before scoring');
    return this.net;
  }

  private dropScoring(): void {
    if (!this.scoring) return;
    Object.values(this.scoring.dense).forEach((t) => t.dispose());
    this.scoring.decT.dispose();
    this.scoring.decBias.dispose();
    this.scoring = undefined;
  }

  private scoringTensors(): ScoringTensors {
    if (!this.scoring) {
      const { shape, weights } = this.requireNet();
      const decT = tf.tidy(
        () =>
          tf.transpose(tf.tensor2d(weights.dec, [shape.numItems, shape.hiddenSize])) as tf.Tensor2D,
      );
      this.scoring = {
        dense: denseTensors(shape, weights),
        decT,
        decBias: tf.tensor1d(weights.decBias),
      };
    }
    return this.scoring;
  }

  /** Mean of q(z | history) per history: [B, latent] (e.g. for a two-tower or nearest-neighbour index). */
  embedHistories(histories: readonly Int32Array[]): tf.Tensor2D {
    const { shape, weights } = this.requireNet();
    const vectors = (this.vectors ??= new InteractionVectors(
      shape.numItems,
      this.params.inputDecay,
    ));
    const bag = embeddingBag(weights.enc, shape.hiddenSize, vectors.rows(histories));
    const { dense } = this.scoringTensors();
    return tf.tidy(() => {
      const { mu } = encode(
        tf.tensor2d(bag, [histories.length, shape.hiddenSize]),
        dense,
        shape.latentSize,
      );
      return mu;
    });
  }

  scoreBatch(histories: readonly Int32Array[], out: Float32Array): void {
    const mu = this.embedHistories(histories);
    const { dense, decT, decBias } = this.scoringTensors();
    const scores = tf.tidy(() => tf.add(tf.matMul(decodeHidden(mu, dense), decT), decBias));
    mu.dispose();
    out.set((scores.dataSync() as Float32Array).subarray(0, histories.length * decT.shape[1]));
    scores.dispose();
  }

  scoreAll(history: Int32Array, out: Float32Array): void {
    this.scoreBatch([history], out);
  }

  /** Plain artifacts (tfjs's weights manifest + one buffer) for files (writeModelArtifacts) or GridFS. */
  async save(): Promise<ModelArtifactsData> {
    const net = this.requireNet();
    const named = MULT_VAE_PARAMS.map((name) => ({
      name,
      tensor: tf.tensor(net.weights[name], multVaeParamShape(net.shape, name)),
    }));
    try {
      const { data, specs } = await tf.io.encodeWeights(named);
      return {
        modelTopology: { class_name: 'PulseMultVae', config: { ...net.shape } },
        weightSpecs: specs,
        weightData: data,
        format: 'pulse-mult-vae',
        generatedBy: `TensorFlow.js tfjs-core v${tf.version_core}`,
        convertedBy: null,
        userDefinedMetadata: {
          format: ARTIFACT_FORMAT,
          params: this.params,
          shape: net.shape,
          epochsTrained: net.epochsDone,
          steps: net.step,
        },
      };
    } finally {
      named.forEach((t) => t.tensor.dispose());
    }
  }

  /** Restores a saved model; `fit` on it trains further (Adam restarts its moments). */
  static async load(
    artifacts: ModelArtifactsData,
    overrides: Partial<MultVaeParams> = {},
  ): Promise<MultVaeRecommender> {
    await initTf();
    const meta = artifacts.userDefinedMetadata as
      | {
          format?: string;
          params?: MultVaeParams;
          shape?: MultVaeShape;
          epochsTrained?: number;
          steps?: number;
        }
      | undefined;
    if (meta?.format !== ARTIFACT_FORMAT || !meta.params || !meta.shape) {
      throw new Error(`not a ${ARTIFACT_FORMAT} artifact`);
    }
    const rec = new MultVaeRecommender({ ...meta.params, ...overrides });
    const tensors = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
    const weights = {} as MultVaeWeights;
    try {
      for (const name of MULT_VAE_PARAMS) {
        const t = tensors[name];
        const expected = multVaeParamShape(meta.shape, name);
        if (!t || t.shape.join(',') !== expected.join(',')) {
          throw new Error(
            `mult-vae artifact: weight ${name} has shape [${t?.shape.join(', ') ?? 'missing'}], expected [${expected.join(', ')}]`,
          );
        }
        weights[name] = Float32Array.from(t.dataSync() as Float32Array);
      }
    } finally {
      Object.values(tensors).forEach((t) => t.dispose());
    }
    rec.net = {
      shape: { ...meta.shape },
      weights,
      step: meta.steps ?? 0,
      epochsDone: meta.epochsTrained ?? 0,
    };
    return rec;
  }

  dispose(): void {
    this.dropScoring();
    this.net = undefined;
  }
}
