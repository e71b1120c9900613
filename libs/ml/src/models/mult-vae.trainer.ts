import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import type { Sequences } from '../datasets/sequence-dataset';
import { EarlyStopping, isValidationEpoch } from '../training/early-stopping';
import type { EpochLoopSettings } from '../training/epoch-loop';
import { EpochClock, epochBar, formatTiming, formatValidation } from '../training/epoch-progress';
import type { EpochProgressMode, EpochTiming } from '../training/epoch-progress';
import { CandidateSampler } from '../training/softmax-loss';
import { deriveSeed, SeededRandom } from '../util/random';
import { ArrayAdam } from './mult-vae.adam';
import { InteractionVectors, vaeBatch, VaeBatch } from './mult-vae.inputs';
import {
  decodeHidden,
  denseTensors,
  embeddingBag,
  encode,
  klDivergence,
  MULT_VAE_DENSE,
  MULT_VAE_PARAMS,
  MultVaeParamName,
  MultVaeShape,
  MultVaeWeights,
} from './mult-vae.model';

/** Weights plus what training needs to continue where it stopped. */
export interface MultVaeNetwork {
  readonly shape: MultVaeShape;
  readonly weights: MultVaeWeights;
  adam?: Record<MultVaeParamName, ArrayAdam>;
  /** Updates so far (the KL annealing schedule continues from here). */
  step: number;
  /** Updates of the current Adam state (bias correction; a loaded model restarts Adam). */
  adamSteps?: number;
  epochsDone: number;
}

export interface MultVaeTrainingSettings extends EpochLoopSettings {
  readonly batchSize: number;
  readonly learningRate: number;
  /** Input dropout rate (paper: 0.5). */
  readonly dropout: number;
  /** KL weight cap (paper: 0.2); beta = cap * min(1, step / annealSteps). */
  readonly beta: number;
  /** Adam steps over which beta rises from 0 to its cap (0: beta from the start). */
  readonly annealSteps: number;
  /** 0 (or >= items): full softmax; else in-batch items + this many sampled items, logQ-corrected. */
  readonly negatives: number;
  readonly inputDecay: number;
  readonly evalEvery: number;
  readonly seed: number;
  readonly progress: EpochProgressMode;
  /** Early-stopping metric, higher is better (holdout NDCG/MRR through the harness); synchronous, as this loop is. */
  readonly validate?: () => number;
  /** Called after every weight update (the recommender drops its cached scoring tensors). */
  readonly onUpdate?: () => void;
}

export interface MultVaeEpoch extends EpochTiming {
  readonly epoch: number;
  /** Multinomial negative log-likelihood per row (sampled softmax: its estimate). */
  readonly nll: number;
  readonly kl: number;
  readonly beta: number;
  readonly validation?: number;
}

export interface MultVaeReport {
  readonly epochs: readonly MultVaeEpoch[];
  readonly bestEpoch: number;
  readonly bestValidation?: number;
  /** beta at the end of the best epoch (the annealing path picks it, as in the paper). */
  readonly bestBeta: number;
  readonly stoppedEarly: boolean;
  readonly seconds: number;
  readonly rows: number;
}

function gatherRows(table: Float32Array, width: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    out.set(table.subarray(rows[i] * width, (rows[i] + 1) * width), i * width);
  }
  return out;
}

/** Standard normals (Box-Muller) from the seeded generator: the same eps on every backend. */
function normals(count: number, rng: SeededRandom): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = 1 - rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const t = 2 * Math.PI * rng.next();
    out[i] = r * Math.cos(t);
    if (i + 1 < count) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

interface StepResult {
  readonly nll: number;
  readonly kl: number;
}

/** One Adam step on one batch: JS embedding bag -> tf dense part + loss + gradients -> lazy Adam. */
function trainStep(
  net: MultVaeNetwork,
  batch: VaeBatch,
  sampler: CandidateSampler | undefined,
  beta: number,
  lr: number,
  rng: SeededRandom,
): StepResult {
  const { numItems: n, hiddenSize: h, latentSize: z } = net.shape;
  const w = net.weights;
  const adam = net.adam!;
  const rows = batch.input.rows;
  const bag = embeddingBag(w.enc, h, batch.input);

  // Softmax candidates: every item, or the batch's items + sampled ones.
  const targets = batch.targets;
  let poolItems: Int32Array | undefined;
  let columns: Int32Array = targets.items;
  let logQ: Float32Array | undefined;
  if (sampler) {
    const pool = sampler.pool(targets.items, rng);
    poolItems = pool.rows.map((r) => r - 1);
    columns = pool.targetColumns;
    logQ = pool.logInclusion;
  }
  const k = poolItems ? poolItems.length : n;
  const x = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) {
    for (let j = targets.offsets[r]; j < targets.offsets[r + 1]; j++) {
      x[r * k + columns[j]] += targets.weights[j];
    }
  }
  const eps = normals(rows * z, rng);
  const candidates = poolItems ? gatherRows(w.dec, h, poolItems) : w.dec;
  const bias = poolItems ? gatherRows(w.decBias, 1, poolItems) : w.decBias;

  // Results leave tidy through these variables: returning typed arrays from
  // tidy would make tfjs walk every element looking for tensors.
  let grads: Float32Array[] = [];
  let nll = NaN;
  let kl = NaN;
  tf.tidy(() => {
    const dense = denseTensors(net.shape, w);
    const xT = tf.tensor2d(x, [rows, k]);
    const epsT = tf.tensor2d(eps, [rows, z]);
    const logQT = logQ ? tf.tensor1d(logQ) : undefined;
    const parts: { nll?: tf.Scalar; kl?: tf.Scalar } = {};
    const f = (...args: tf.Tensor[]): tf.Scalar => {
      const [bagT, b1, w2, b2, wd1, bd1, c, bvec] = args;
      const d = { b1, w2, b2, wd1, bd1 };
      const { mu, logvar } = encode(bagT as tf.Tensor2D, d, z);
      const sample = tf.add(mu, tf.mul(epsT, tf.exp(tf.mul(0.5, logvar)))) as tf.Tensor2D;
      const hidden = decodeHidden(sample, d);
      let logits = tf.add(tf.matMul(hidden, c as tf.Tensor2D, false, true), bvec);
      if (logQT) logits = tf.sub(logits, logQT);
      const logp = tf.logSoftmax(logits);
      const nllT = tf.div(tf.neg(tf.sum(tf.mul(logp, xT))), rows) as tf.Scalar;
      const klT = klDivergence(mu, logvar);
      parts.nll = tf.keep(nllT);
      parts.kl = tf.keep(klT);
      return tf.add(nllT, tf.mul(beta, klT)) as tf.Scalar;
    };
    const inputs = [
      tf.tensor2d(bag, [rows, h]),
      ...MULT_VAE_DENSE.map((name) => dense[name]),
      tf.tensor2d(candidates, [k, h]),
      tf.tensor1d(bias),
    ];
    const out = tf.valueAndGrads(f)(inputs);
    grads = out.grads.map((g) => g.dataSync() as Float32Array);
    nll = parts.nll!.dataSync()[0];
    kl = parts.kl!.dataSync()[0];
    parts.nll!.dispose();
    parts.kl!.dispose();
  });
  if (!Number.isFinite(nll) || !Number.isFinite(kl)) {
    throw new Error(`training diverged: nll ${nll}, kl ${kl} at step ${net.step + 1}`);
  }

  net.step++;
  const t = (net.adamSteps = (net.adamSteps ?? 0) + 1);
  const [gBag, ...rest] = grads;
  const gDense = rest.slice(0, MULT_VAE_DENSE.length);
  const [gDec, gBias] = rest.slice(MULT_VAE_DENSE.length);
  MULT_VAE_DENSE.forEach((name, i) => adam[name].dense(w[name], gDense[i], lr, t));
  if (poolItems) {
    adam.dec.rows(w.dec, h, poolItems, gDec, lr, t);
    adam.decBias.rows(w.decBias, 1, poolItems, gBias, lr, t);
  } else {
    adam.dec.dense(w.dec, gDec, lr, t);
    adam.decBias.dense(w.decBias, gBias, lr, t);
  }
  // Encoder table: d enc[item] = sum over rows containing it of weight * d bag[row]. Dropped items (weight 0) get no update.
  const local = new Map<number, number>();
  const touched: number[] = [];
  const input = batch.input;
  for (let j = 0; j < input.items.length; j++) {
    if (input.weights[j] !== 0 && !local.has(input.items[j])) {
      local.set(input.items[j], touched.length);
      touched.push(input.items[j]);
    }
  }
  const gEnc = new Float32Array(touched.length * h);
  for (let r = 0; r < rows; r++) {
    for (let j = input.offsets[r]; j < input.offsets[r + 1]; j++) {
      const wj = input.weights[j];
      if (wj === 0) continue;
      const o = local.get(input.items[j])! * h;
      for (let q = 0; q < h; q++) gEnc[o + q] += wj * gBag[r * h + q];
    }
  }
  adam.enc.rows(w.enc, h, Int32Array.from(touched), gEnc, lr, t);
  return { nll, kl };
}

function itemCounts(vectors: { items: Int32Array }, numItems: number): Float64Array {
  const counts = new Float64Array(numItems);
  for (const item of vectors.items) counts[item]++;
  return counts;
}

function snapshot(w: MultVaeWeights): MultVaeWeights {
  const out = {} as MultVaeWeights;
  for (const name of MULT_VAE_PARAMS) out[name] = w[name].slice();
  return out;
}

/**
 * Trains Mult-VAE to reconstruct each training sequence's interaction vector
 * (users: the history; sessions: the session), with input dropout, KL
 * annealing, Adam, and early stopping on `validate`; the best epoch's weights
 * are restored at the end. The loop is the shared one's synchronous twin
 * (training/epoch-loop.ts): the steps run in JS arrays and `fit` calls it
 * without awaiting, so it uses the same parts (bar, clock, early stopping)
 * rather than the async loop itself.
 */
export function trainMultVae(
  net: MultVaeNetwork,
  sequences: Sequences,
  s: MultVaeTrainingSettings,
): MultVaeReport {
  const log = s.log ?? ((line: string) => console.error(line));
  const { numItems } = net.shape;
  const vectors = new InteractionVectors(numItems, s.inputDecay).all(sequences);
  const sampler =
    s.negatives > 0 && s.negatives < numItems
      ? new CandidateSampler(numItems, itemCounts(vectors, numItems), s.negatives, 0)
      : undefined;
  if (!net.adam) net.adamSteps = 0;
  net.adam ??= Object.fromEntries(
    MULT_VAE_PARAMS.map((name) => [name, new ArrayAdam(net.weights[name].length)]),
  ) as Record<MultVaeParamName, ArrayAdam>;
  const rng = new SeededRandom(deriveSeed(s.seed, `mult-vae/train/${net.epochsDone}`));
  const order = Int32Array.from({ length: vectors.rows }, (_, i) => i);
  const betaAt = (step: number) =>
    s.annealSteps > 0 ? s.beta * Math.min(1, step / s.annealSteps) : s.beta;
  const betaBefore = betaAt(net.step);
  const records: MultVaeEpoch[] = [];
  const stopping = new EarlyStopping(net.epochsDone, s.patience, {
    copy: () => snapshot(net.weights),
    restore: (copy) => {
      for (const name of MULT_VAE_PARAMS) net.weights[name].set(copy[name]);
    },
  });
  const started = performance.now();
  const evalEvery = Math.max(1, s.evalEvery);

  for (let e = 0; e < s.epochs; e++) {
    const epoch = net.epochsDone + 1;
    rng.shuffle(order);
    const batches = Math.ceil(order.length / s.batchSize);
    const clock = new EpochClock();
    let nllSum = 0;
    let klSum = 0;
    let seen = 0;
    const bar = epochBar(
      s.progress,
      `mult-vae epoch ${epoch} [{bar}] {value}/{total} batches | nll {nll} | beta {beta} | {speed} rows/s | {duration_formatted} | ETA {eta_formatted}`,
    );
    bar?.start(batches, 0, { nll: '-', beta: '-', speed: '-' });
    for (let b = 0; b < batches; b++) {
      const picked = order.subarray(b * s.batchSize, Math.min(order.length, (b + 1) * s.batchSize));
      const batch = vaeBatch(vectors, picked, s.dropout, rng);
      const beta = betaAt(net.step + 1);
      const r = trainStep(net, batch, sampler, beta, s.learningRate, rng);
      s.onUpdate?.();
      nllSum += r.nll * picked.length;
      klSum += r.kl * picked.length;
      seen += picked.length;
      const speed = clock.rate(seen);
      bar?.update(b + 1, {
        nll: (nllSum / seen).toFixed(3),
        beta: beta.toFixed(3),
        speed: String(speed),
      });
      s.onProgress?.(
        (e + (b + 1) / batches) / s.epochs,
        `mult-vae epoch ${epoch} nll ${(nllSum / seen).toFixed(3)} ${speed} rows/s`,
      );
    }
    bar?.stop();
    net.epochsDone = epoch;
    const timing = clock.stop();
    const validation =
      s.validate && isValidationEpoch(e, s.epochs, evalEvery) ? s.validate() : undefined;
    const record: MultVaeEpoch = {
      epoch,
      nll: nllSum / Math.max(1, seen),
      kl: klSum / Math.max(1, seen),
      beta: betaAt(net.step),
      seconds: timing.seconds,
      cpuSeconds: timing.cpuSeconds,
      validation,
    };
    records.push(record);
    if (s.progress !== 'none') {
      log(
        `mult-vae epoch ${epoch}: nll ${record.nll.toFixed(3)}, kl ${record.kl.toFixed(2)}, ` +
          `beta ${record.beta.toFixed(3)}, ${formatTiming(record)}${formatValidation(validation)}`,
      );
    }
    const stop = stopping.afterEpoch(epoch, validation, s.shouldStop);
    if (stop === 'requested' && s.progress !== 'none') log(`stop requested after epoch ${epoch}`);
    if (stop) break;
  }
  if (stopping.restoreBest(net.epochsDone)) {
    s.onUpdate?.();
    if (s.progress !== 'none') {
      log(
        `restored the weights of epoch ${stopping.bestEpoch} (validation ${stopping.best.toFixed(4)})`,
      );
    }
  }
  return {
    epochs: records,
    bestEpoch: stopping.bestEpoch,
    bestValidation: stopping.bestValidation,
    // beta at the end of the best epoch (the annealing path picks it); without one, where this call started
    bestBeta: records.find((r) => r.epoch === stopping.bestEpoch)?.beta ?? betaBefore,
    stoppedEarly: stopping.stoppedEarly,
    seconds: (performance.now() - started) / 1000,
    rows: vectors.rows,
  };
}
