import * as tf from '@tensorflow/tfjs';
import { SeedStream } from '../runtime/seeding';
import { dense, dropout } from './encoder-ops';
import type { SequenceEncoder } from './sequence-encoder';

export interface Gru4recConfig {
  readonly numItems: number;
  /** Embedding and GRU state size (equal, so the item table is also the output embedding). */
  readonly hiddenSize: number;
  readonly maxLen: number;
  /** Dropout on the input embeddings. */
  readonly dropout: number;
  /** Dropout on the GRU outputs before scoring. */
  readonly outputDropout: number;
  /**
   * Add each step's input embedding to its GRU output (a residual path).
   * With the tied output table, e(last) . e(j) is then a direct item-to-item
   * term, which the sparse, Markov-friendly Beauty data rewards; the GRU
   * learns what the latest item alone does not say. Absent in older models: off.
   */
  readonly inputSkip?: boolean;
  readonly seed: number;
}

type Args = Gru4recConfig & { name?: string; trainable?: boolean };

/**
 * GRU4Rec-style encoder (Hidasi et al. 2016, with the tied item embedding of
 * the 2018 follow-up): one GRU layer over item embeddings. Same contract as
 * SasrecEncoder: ids + 1 (0 = padding), left-padded [B, L] -> [B, L, hidden].
 * The state stays zero over the padding, so a left-padded batch gives the
 * same final state as each sequence alone.
 *
 * The input projection for all steps is one matMul; only the recurrent
 * product and the gates run per step.
 */
export class Gru4recEncoder extends tf.layers.Layer implements SequenceEncoder {
  static className = 'PulseGru4recEncoder';
  readonly config: Gru4recConfig;
  private readonly seeds: SeedStream;
  private readonly dropoutSeeds: SeedStream;
  private w: Record<string, tf.LayerVariable> = {};

  constructor(args: Args) {
    super({ name: args.name ?? 'gru4rec_encoder', trainable: args.trainable ?? true });
    this.config = {
      numItems: args.numItems,
      hiddenSize: args.hiddenSize,
      maxLen: args.maxLen,
      dropout: args.dropout,
      outputDropout: args.outputDropout,
      inputSkip: args.inputSkip ?? false,
      seed: args.seed,
    };
    this.seeds = new SeedStream(args.seed, 'gru4rec/init');
    this.dropoutSeeds = new SeedStream(args.seed, 'gru4rec/dropout');
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
    const { numItems, hiddenSize: d } = this.config;
    const add = (
      name: string,
      shape: number[],
      init: Parameters<tf.layers.Layer['addWeight']>[3],
    ) => {
      this.w[name] = this.addWeight(name, shape, 'float32', init);
    };
    add(
      'item_embedding',
      [numItems + 1, d],
      tf.initializers.randomNormal({ mean: 0, stddev: 1 / Math.sqrt(d), seed: this.seeds.next() }),
    );
    // Gate order in the 3d-wide kernels: reset, update, candidate.
    add('input_kernel', [d, 3 * d], tf.initializers.glorotUniform({ seed: this.seeds.next() }));
    add('input_bias', [3 * d], tf.initializers.zeros());
    add('recurrent_kernel', [d, 3 * d], tf.initializers.orthogonal({ seed: this.seeds.next() }));
    add('recurrent_bias', [3 * d], tf.initializers.zeros());
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
    const { hiddenSize: d, dropout: rate, outputDropout } = this.config;
    const [batch, length] = ids.shape;
    const v = (name: string) => this.w[name].read();
    const seed = () => this.dropoutSeeds.next();
    const x = dropout(tf.gather(v('item_embedding'), ids), rate, training, seed);
    const projected = dense(x, v('input_kernel'), v('input_bias')); // [B, L, 3d]
    // tfjs cannot backpropagate unstack -> stack over an axis of size 1
    // ("Argument tensors passed to stack must be a Tensor[]"): reshape instead.
    const unstackTime = (t: tf.Tensor): tf.Tensor[] =>
      length === 1 ? [tf.squeeze(t, [1])] : tf.unstack(t, 1);
    const steps = unstackTime(projected);
    const masks = unstackTime(tf.expandDims(tf.cast(tf.notEqual(ids, 0), 'float32'), -1));
    const recurrentKernel = v('recurrent_kernel');
    const recurrentBias = v('recurrent_bias');
    let h: tf.Tensor = tf.zeros([batch, d]);
    const outputs: tf.Tensor[] = [];
    for (let t = 0; t < length; t++) {
      const hp = dense(h, recurrentKernel, recurrentBias);
      const [xrz, xn] = tf.split(steps[t], [2 * d, d], 1);
      const [hrz, hn] = tf.split(hp, [2 * d, d], 1);
      const [r, z] = tf.split(tf.sigmoid(tf.add(xrz, hrz)), 2, 1);
      const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
      const next = tf.add(n, tf.mul(z, tf.sub(h, n)));
      h = tf.add(h, tf.mul(masks[t], tf.sub(next, h)));
      outputs.push(h);
    }
    let stacked = length === 1 ? tf.expandDims(outputs[0], 1) : tf.stack(outputs, 1);
    if (this.config.inputSkip) stacked = tf.add(stacked, x);
    return dropout(stacked, outputDropout, training, seed);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}

tf.serialization.registerClass(Gru4recEncoder);

export function buildGru4rec(config: Gru4recConfig): {
  model: tf.LayersModel;
  encoder: Gru4recEncoder;
} {
  const input = tf.input({ shape: [null], dtype: 'int32', name: 'items' });
  const encoder = new Gru4recEncoder(config);
  const output = encoder.apply(input) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: input, outputs: output, name: 'gru4rec' }), encoder };
}
