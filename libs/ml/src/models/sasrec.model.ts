import * as tf from '@tensorflow/tfjs';
import { SeedStream } from '../runtime/seeding';
import { causalPaddingBias, dense, dropout, layerNorm, validMask } from './encoder-ops';
import type { SequenceEncoder } from './sequence-encoder';

export interface SasrecConfig {
  readonly numItems: number;
  readonly hiddenSize: number;
  readonly numBlocks: number;
  readonly numHeads: number;
  /** Longest history the encoder sees (positions); longer ones keep their latest items. */
  readonly maxLen: number;
  readonly dropout: number;
  /** Feed-forward width (SASRec uses hiddenSize). */
  readonly innerSize: number;
  readonly seed: number;
}

type Args = SasrecConfig & { name?: string; trainable?: boolean };

/**
 * SASRec (Kang & McAuley 2018) as one Keras-style layer: item + learned
 * positional embeddings, `numBlocks` pre-norm causal self-attention blocks
 * (multi-head attention + ReLU feed-forward, residuals, dropout), final layer
 * norm. Input: item ids + 1 (0 = padding), left-padded, [B, L] with L <= maxLen.
 * Output: hidden states [B, L, hiddenSize]. The item table doubles as the
 * output embedding (tied), so scoring is hidden @ itemTable^T.
 *
 * Positions are counted from the end of the window (the latest item always
 * has position maxLen-1), so batches padded only to their own longest history
 * see the same positions as a window padded to maxLen.
 */
export class SasrecEncoder extends tf.layers.Layer implements SequenceEncoder {
  static className = 'PulseSasrecEncoder';
  readonly config: SasrecConfig;
  private readonly seeds: SeedStream;
  private readonly dropoutSeeds: SeedStream;
  private w: Record<string, tf.LayerVariable> = {};

  constructor(args: Args) {
    super({ name: args.name ?? 'sasrec_encoder', trainable: args.trainable ?? true });
    this.config = {
      numItems: args.numItems,
      hiddenSize: args.hiddenSize,
      numBlocks: args.numBlocks,
      numHeads: args.numHeads,
      maxLen: args.maxLen,
      dropout: args.dropout,
      innerSize: args.innerSize,
      seed: args.seed,
    };
    if (args.hiddenSize % args.numHeads !== 0)
      throw new Error(
        `hiddenSize ${args.hiddenSize} must be a multiple of numHeads ${args.numHeads}`,
      );
    this.seeds = new SeedStream(args.seed, 'sasrec/init');
    this.dropoutSeeds = new SeedStream(args.seed, 'sasrec/dropout');
  }

  get numItems(): number {
    return this.config.numItems;
  }
  get maxLen(): number {
    return this.config.maxLen;
  }
  get hiddenSize(): number {
    return this.config.hiddenSize;
  }

  override build(): void {
    const { numItems, hiddenSize: d, numBlocks, innerSize, maxLen } = this.config;
    const normal = (std: number) =>
      tf.initializers.randomNormal({ mean: 0, stddev: std, seed: this.seeds.next() });
    const glorot = () => tf.initializers.glorotUniform({ seed: this.seeds.next() });
    const add = (
      name: string,
      shape: number[],
      init: Parameters<tf.layers.Layer['addWeight']>[3],
    ) => {
      this.w[name] = this.addWeight(name, shape, 'float32', init);
    };
    // std 1/sqrt(d): after the sqrt(d) input scaling each coordinate has unit
    // scale, and tied output logits start with unit variance.
    add('item_embedding', [numItems + 1, d], normal(1 / Math.sqrt(d)));
    add('position_embedding', [maxLen, d], normal(1 / Math.sqrt(d)));
    for (let b = 0; b < numBlocks; b++) {
      // Query, key and value projections as one [d, 3d] product (fewer ops per step).
      add(`b${b}_qkv_kernel`, [d, 3 * d], glorot());
      add(`b${b}_qkv_bias`, [3 * d], tf.initializers.zeros());
      add(`b${b}_o_kernel`, [d, d], glorot());
      add(`b${b}_o_bias`, [d], tf.initializers.zeros());
      add(`b${b}_ffn1_kernel`, [d, innerSize], glorot());
      add(`b${b}_ffn1_bias`, [innerSize], tf.initializers.zeros());
      add(`b${b}_ffn2_kernel`, [innerSize, d], glorot());
      add(`b${b}_ffn2_bias`, [d], tf.initializers.zeros());
      for (const n of ['ln1', 'ln2']) {
        add(`b${b}_${n}_gamma`, [d], tf.initializers.ones());
        add(`b${b}_${n}_beta`, [d], tf.initializers.zeros());
      }
    }
    add('final_ln_gamma', [d], tf.initializers.ones());
    add('final_ln_beta', [d], tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0], s[1], this.config.hiddenSize];
  }

  itemTable(): tf.Variable {
    return this.w.item_embedding.read() as tf.Variable;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const ids = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
    const training = kwargs?.training === true;
    return tf.tidy(() => this.encode(tf.cast(ids, 'int32') as tf.Tensor2D, training));
  }

  private encode(ids: tf.Tensor2D, training: boolean): tf.Tensor {
    const { hiddenSize: d, numBlocks, numHeads, maxLen, dropout: rate } = this.config;
    const [batch, length] = ids.shape;
    if (length > maxLen) throw new Error(`sequence length ${length} exceeds maxLen ${maxLen}`);
    const v = (name: string) => this.w[name].read();
    const seed = () => this.dropoutSeeds.next();
    const valid = validMask(ids);
    let x = tf.mul(tf.gather(v('item_embedding'), ids), Math.sqrt(d));
    x = tf.add(x, tf.slice(v('position_embedding'), [maxLen - length, 0], [length, d]));
    x = tf.mul(dropout(x, rate, training, seed), valid);
    const bias = causalPaddingBias(ids);
    const dh = d / numHeads;
    const heads = (t: tf.Tensor) =>
      tf.transpose(tf.reshape(t, [batch, length, numHeads, dh]), [0, 2, 1, 3]);
    for (let b = 0; b < numBlocks; b++) {
      const p = (n: string) => v(`b${b}_${n}`);
      const h = layerNorm(x, p('ln1_gamma'), p('ln1_beta'));
      const [q, k, val] = tf.split(dense(h, p('qkv_kernel'), p('qkv_bias')), 3, -1).map(heads);
      const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)), bias);
      const attention = dropout(tf.softmax(scores), rate, training, seed);
      const context = tf.reshape(tf.transpose(tf.matMul(attention, val), [0, 2, 1, 3]), [
        batch,
        length,
        d,
      ]);
      x = tf.add(x, dropout(dense(context, p('o_kernel'), p('o_bias')), rate, training, seed));
      const h2 = layerNorm(x, p('ln2_gamma'), p('ln2_beta'));
      const inner = dropout(
        dense(h2, p('ffn1_kernel'), p('ffn1_bias'), 'relu'),
        rate,
        training,
        seed,
      );
      x = tf.add(x, dropout(dense(inner, p('ffn2_kernel'), p('ffn2_bias')), rate, training, seed));
      x = tf.mul(x, valid);
    }
    return layerNorm(x, v('final_ln_gamma'), v('final_ln_beta'));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}

tf.serialization.registerClass(SasrecEncoder);

export function buildSasrec(config: SasrecConfig): {
  model: tf.LayersModel;
  encoder: SasrecEncoder;
} {
  const input = tf.input({ shape: [null], dtype: 'int32', name: 'items' });
  const encoder = new SasrecEncoder(config);
  const output = encoder.apply(input) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: input, outputs: output, name: 'sasrec' }), encoder };
}
