import * as tf from '@tensorflow/tfjs';
import { deriveSeed, SeededRandom } from '../util/random';

/**
 * Mult-VAE (Liang et al., "Variational Autoencoders for Collaborative
 * Filtering", WWW 2018): encoder [numItems -> hidden -> 2 x latent] (tanh),
 * reparameterisation, decoder [latent -> hidden -> numItems] (tanh), softmax
 * over items, multinomial log-likelihood + beta * KL.
 *
 * The two numItems-wide matrices (encoder input table, decoder output table)
 * live in plain Float32Arrays, not tf variables: a batch touches only the rows
 * of its own items (input) and of its softmax candidates (output), so the
 * input layer is an embedding bag summed in JS (no dense numItems-wide input,
 * no gather gradient) and only touched rows get an Adam update (lazy Adam).
 * With tf variables every step would rewrite the whole 43k x 600 tables
 * (Adam's moments included) even with a sampled softmax. tf does the dense
 * middle of the network and its gradients.
 */
export interface MultVaeShape {
  readonly numItems: number;
  /** Width of the encoder's and decoder's hidden layer (paper: 600). */
  readonly hiddenSize: number;
  /** Latent size (paper: 200). */
  readonly latentSize: number;
}

/** Parameter names in save order; `enc`/`dec` rows are items. */
export const MULT_VAE_PARAMS = ['enc', 'b1', 'w2', 'b2', 'wd1', 'bd1', 'dec', 'decBias'] as const;
export type MultVaeParamName = (typeof MULT_VAE_PARAMS)[number];
/** Dense parameters: updated whole every step. */
export const MULT_VAE_DENSE = ['b1', 'w2', 'b2', 'wd1', 'bd1'] as const;
export type MultVaeDenseName = (typeof MULT_VAE_DENSE)[number];

export function multVaeParamShape(shape: MultVaeShape, name: MultVaeParamName): number[] {
  const { numItems: n, hiddenSize: h, latentSize: z } = shape;
  switch (name) {
    case 'enc':
      return [n, h];
    case 'b1':
      return [h];
    case 'w2':
      return [h, 2 * z];
    case 'b2':
      return [2 * z];
    case 'wd1':
      return [z, h];
    case 'bd1':
      return [h];
    case 'dec':
      return [n, h];
    case 'decBias':
      return [n];
  }
}

export type MultVaeWeights = Record<MultVaeParamName, Float32Array>;

/** Glorot-uniform weights (as the paper's code: Xavier), zero biases, from a seed. */
export function initMultVaeWeights(shape: MultVaeShape, seed: number): MultVaeWeights {
  const out = {} as MultVaeWeights;
  for (const name of MULT_VAE_PARAMS) {
    const dims = multVaeParamShape(shape, name);
    const size = dims.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (dims.length === 2) {
      const limit = Math.sqrt(6 / (dims[0] + dims[1]));
      const rng = new SeededRandom(deriveSeed(seed, `mult-vae/init/${name}`));
      for (let i = 0; i < size; i++) values[i] = (2 * rng.next() - 1) * limit;
    }
    out[name] = values;
  }
  return out;
}

/**
 * A batch of interaction vectors in sparse form: row r has items
 * `items[offsets[r]..offsets[r+1])` with input weights `weights[...]`.
 */
export interface SparseRows {
  readonly rows: number;
  readonly offsets: Int32Array;
  readonly items: Int32Array;
  readonly weights: Float32Array;
}

/** Embedding bag: out[r] = sum_j weights[j] * enc[items[j]], the first (sparse) layer before bias. */
export function embeddingBag(enc: Float32Array, hidden: number, input: SparseRows): Float32Array {
  const out = new Float32Array(input.rows * hidden);
  for (let r = 0; r < input.rows; r++) {
    const o = r * hidden;
    for (let j = input.offsets[r]; j < input.offsets[r + 1]; j++) {
      const w = input.weights[j];
      if (w === 0) continue;
      const e = input.items[j] * hidden;
      for (let k = 0; k < hidden; k++) out[o + k] += w * enc[e + k];
    }
  }
  return out;
}

/** The dense parameters as tensors (inputs of the tf part of a step or of scoring). */
export type DenseTensors = Record<MultVaeDenseName, tf.Tensor>;

export function denseTensors(shape: MultVaeShape, w: MultVaeWeights): DenseTensors {
  const out = {} as DenseTensors;
  for (const name of MULT_VAE_DENSE) out[name] = tf.tensor(w[name], multVaeParamShape(shape, name));
  return out;
}

/** Encoder from the bag sum: [mu, logvar], each [rows, latent]. */
export function encode(
  bag: tf.Tensor2D,
  d: DenseTensors,
  latentSize: number,
): { mu: tf.Tensor2D; logvar: tf.Tensor2D } {
  const h1 = tf.tanh(tf.add(bag, d.b1));
  const q = tf.add(tf.matMul(h1 as tf.Tensor2D, d.w2 as tf.Tensor2D), d.b2) as tf.Tensor2D;
  const [mu, logvar] = tf.split(q, [latentSize, latentSize], 1) as [tf.Tensor2D, tf.Tensor2D];
  return { mu, logvar };
}

/** Decoder hidden layer (the output layer is a product with item rows, done by the caller). */
export function decodeHidden(z: tf.Tensor2D, d: DenseTensors): tf.Tensor2D {
  return tf.tanh(tf.add(tf.matMul(z, d.wd1 as tf.Tensor2D), d.bd1)) as tf.Tensor2D;
}

/** KL(q(z|x) || N(0, I)) per row, averaged over the batch. */
export function klDivergence(mu: tf.Tensor2D, logvar: tf.Tensor2D): tf.Scalar {
  const perRow = tf.mul(
    0.5,
    tf.sum(tf.sub(tf.add(tf.add(tf.neg(logvar), tf.exp(logvar)), tf.square(mu)), 1), 1),
  );
  return tf.mean(perRow) as tf.Scalar;
}
