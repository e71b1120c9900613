import * as tf from '@tensorflow/tfjs';
import { SeedStream } from '../runtime/seeding';
import { dense, dropout, validMask } from './encoder-ops';
import type { SequenceEncoder } from './sequence-encoder';

export interface CaserConfig {
  readonly numItems: number;
  /** Item embedding size d (also the width of the dense layer after the convolutions). */
  readonly embeddingSize: number;
  /** L: how many of the latest items each prediction sees (the convolution window). */
  readonly windowLength: number;
  /** n_h: horizontal filters per height 1..L. */
  readonly numHorizontal: number;
  /** n_v: vertical filters. */
  readonly numVertical: number;
  /** Dropout on the concatenated convolution features (Caser uses 0.5). */
  readonly dropout: number;
  /**
   * Longest input the trainer feeds (its window length). Caser itself only
   * ever looks at the latest `windowLength` items of each position.
   */
  readonly maxLen: number;
  /**
   * Score with the input item embeddings (+ a bias column) instead of Caser's
   * separate output table W2, as SASRec and GRU4Rec do: half the item
   * parameters, and rare items learn from both sides of the product.
   */
  readonly tiedOutput?: boolean;
  /**
   * Add a long-term vector to z: the mean embedding of every item up to the
   * position (within the trainer's window), projected by a learned d x d
   * matrix. It stands in for Caser's user embedding P_u, which a model that
   * must score unseen shoppers and anonymous sessions cannot have. Absent in
   * older models: off.
   */
  readonly longTerm?: boolean;
  /**
   * Add the latest item's embedding to z, as GRU4Rec's inputSkip: scores gain
   * a direct e(latest) . W2(j) transition term (FPMC-like). Absent: off.
   */
  readonly inputSkip?: boolean;
  /**
   * Dropout on the input item embeddings (training only), as SASRec drops
   * its inputs: the long-term and skip paths bypass the feature dropout, and
   * through them the embeddings alone can memorise sparse histories. Absent: 0.
   */
  readonly embeddingDropout?: number;
  readonly seed: number;
}

type Args = CaserConfig & { name?: string; trainable?: boolean };

/**
 * Caser (Tang & Wang, WSDM 2018) as one Keras-style layer that fits the
 * SequenceEncoder contract: ids + 1 (0 = padding), left-padded [B, T] ->
 * one hidden state per position [B, T, d + 1]. Position t sees the causal
 * window of items t-L+1..t (zero embeddings before the sequence start), so
 * the trainer's next-item softmax at every position trains all of a
 * sequence's windows in one pass.
 *
 * Per window: horizontal convolutions of heights 1..L (n_h filters each,
 * ReLU, max-pooled over the window), a vertical convolution (n_v linear
 * filters of size L x 1, i.e. n_v weighted sums of the L embeddings),
 * concatenated, dropout, dense to d with ReLU. Caser scores with a separate
 * output table W2 and bias b2; the hidden state carries a constant 1 as its
 * last coordinate and the output table's last column is b2, so
 * hidden @ table^T = z W2^T + b2 through the trainer's plain product.
 *
 * No user embedding: the harness's Recommender only ever sees histories, and
 * sessions have no users (see caser.README.md).
 *
 * Convolutions are built from slices and 2-D matMuls (the wasm backend has
 * no Conv2D gradient kernels, and matMul is its fastest path): one "unfold"
 * of the last L embeddings per position, then one product per filter height.
 */
export class CaserEncoder extends tf.layers.Layer implements SequenceEncoder {
  static className = 'PulseCaserEncoder';
  readonly config: CaserConfig;
  private readonly seeds: SeedStream;
  private readonly dropoutSeeds: SeedStream;
  private w: Record<string, tf.LayerVariable> = {};

  constructor(args: Args) {
    super({ name: args.name ?? 'caser_encoder', trainable: args.trainable ?? true });
    this.config = {
      numItems: args.numItems,
      embeddingSize: args.embeddingSize,
      windowLength: args.windowLength,
      numHorizontal: args.numHorizontal,
      numVertical: args.numVertical,
      dropout: args.dropout,
      maxLen: args.maxLen,
      tiedOutput: args.tiedOutput === true,
      longTerm: args.longTerm === true,
      inputSkip: args.inputSkip === true,
      embeddingDropout: args.embeddingDropout ?? 0,
      seed: args.seed,
    };
    for (const k of ['embeddingSize', 'windowLength', 'maxLen'] as const) {
      if (!Number.isInteger(args[k]) || args[k] < 1)
        throw new Error(`caser ${k} must be a positive integer, got ${args[k]}`);
    }
    for (const k of ['numHorizontal', 'numVertical'] as const) {
      if (!Number.isInteger(args[k]) || args[k] < 0)
        throw new Error(`caser ${k} must be a non-negative integer, got ${args[k]}`);
    }
    const embeddingDropout = args.embeddingDropout ?? 0;
    if (!(embeddingDropout >= 0 && embeddingDropout < 1))
      throw new Error(`caser embeddingDropout must be in [0, 1), got ${embeddingDropout}`);
    if (args.numHorizontal + args.numVertical === 0)
      throw new Error('caser needs numHorizontal or numVertical filters (both are 0)');
    this.seeds = new SeedStream(args.seed, 'caser/init');
    this.dropoutSeeds = new SeedStream(args.seed, 'caser/dropout');
  }

  get numItems(): number {
    return this.config.numItems;
  }
  get maxLen(): number {
    return this.config.maxLen;
  }
  /** d + 1: the dense output plus the constant 1 that picks up the output bias. */
  get hiddenSize(): number {
    return this.config.embeddingSize + 1;
  }

  override build(): void {
    const {
      numItems,
      embeddingSize: d,
      windowLength: L,
      numHorizontal: nh,
      numVertical: nv,
    } = this.config;
    const glorot = () => tf.initializers.glorotUniform({ seed: this.seeds.next() });
    const normal = (std: number) =>
      tf.initializers.randomNormal({ mean: 0, stddev: std, seed: this.seeds.next() });
    const add = (
      name: string,
      shape: number[],
      init: Parameters<tf.layers.Layer['addWeight']>[3],
    ) => {
      this.w[name] = this.addWeight(name, shape, 'float32', init);
    };
    add('item_embedding', [numItems + 1, d], normal(1 / Math.sqrt(d)));
    if (nv > 0) {
      add('vertical_kernel', [L, nv], glorot());
      add('vertical_bias', [nv], tf.initializers.zeros());
    }
    if (nh > 0) {
      for (let h = 1; h <= L; h++) {
        add(`horizontal${h}_kernel`, [h * d, nh], glorot());
        add(`horizontal${h}_bias`, [nh], tf.initializers.zeros());
      }
    }
    add('dense_kernel', [nv * d + L * nh, d], glorot());
    add('dense_bias', [d], tf.initializers.zeros());
    if (this.config.longTerm) add('long_term_kernel', [d, d], glorot());
    if (this.config.tiedOutput) {
      add('output_bias', [numItems + 1, 1], tf.initializers.zeros());
      this.built = true;
      return;
    }
    add('output_table', [numItems + 1, d + 1], normal(1 / Math.sqrt(d)));
    // The bias column (b2) starts at zero, as in Caser.
    const table = this.w.output_table;
    const start = tf.tidy(() =>
      tf.concat(
        [tf.slice(table.read(), [0, 0], [numItems + 1, d]), tf.zeros([numItems + 1, 1])],
        1,
      ),
    );
    table.write(start);
    start.dispose();
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0], s[1], this.hiddenSize];
  }

  /** The output table [numItems + 1, d + 1] (Caser's W2 | b2; row 0 = padding, unused). */
  itemTable(): tf.Variable {
    if (!this.config.tiedOutput) return this.w.output_table.read() as tf.Variable;
    // Tied: a tensor computed from two variables. Callers (trainer, scoring)
    // only use it as a tensor inside tidy/minimize, so gradients reach both.
    return tf.concat(
      [this.w.item_embedding.read(), this.w.output_bias.read()],
      1,
    ) as unknown as tf.Variable;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const ids = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
    const training = kwargs?.training === true;
    return tf.tidy(() => this.encode(tf.cast(ids, 'int32') as tf.Tensor2D, training));
  }

  private encode(ids: tf.Tensor2D, training: boolean): tf.Tensor {
    const {
      embeddingSize: d,
      windowLength: L,
      numHorizontal: nh,
      numVertical: nv,
      dropout: rate,
    } = this.config;
    const [batch, length] = ids.shape;
    const v = (name: string) => this.w[name].read();
    // Padding rows are zero, as Caser pads short windows with zero embeddings.
    const emb = dropout(
      tf.mul(tf.gather(v('item_embedding'), ids), validMask(ids)), // [B, T, d]
      this.config.embeddingDropout ?? 0,
      training,
      () => this.dropoutSeeds.next(),
    );
    // Q = 2(L-1) zeros then the sequence; unfold[j] = Q[j..j+L-1] flattened, so
    // unfold[t + L - 1] is the window ending at position t, and unfold[e + L - 1]'s
    // last h*d columns are the height-h window ending at e (for every e >= t-L+1).
    const span = length + L - 1;
    const padded =
      L > 1
        ? tf.pad(emb, [
            [0, 0],
            [2 * (L - 1), 0],
            [0, 0],
          ])
        : emb;
    const shifted: tf.Tensor[] = [];
    for (let k = 0; k < L; k++) shifted.push(tf.slice(padded, [0, k, 0], [batch, span, d]));
    const unfold = L > 1 ? tf.concat(shifted, 2) : shifted[0]; // [B, T+L-1, L*d]
    const features: tf.Tensor[] = [];
    if (nv > 0) {
      // Vertical filter f at position t: sum_k w[k, f] * E[t - L + 1 + k] (linear, as in Caser).
      const windows = tf.reshape(tf.slice(unfold, [0, L - 1, 0], [batch, length, L * d]), [
        batch,
        length,
        L,
        d,
      ]);
      const byDim = tf.transpose(windows, [0, 1, 3, 2]); // [B, T, d, L]
      const vertical = dense(byDim, v('vertical_kernel'), v('vertical_bias')); // [B, T, d, nv]
      features.push(tf.reshape(vertical, [batch, length, d * nv]));
    }
    if (nh > 0) {
      for (let h = 1; h <= L; h++) {
        const rows = tf.slice(unfold, [0, 0, (L - h) * d], [batch, span, h * d]);
        const conv = dense(rows, v(`horizontal${h}_kernel`), v(`horizontal${h}_bias`), 'relu');
        // Max over the L-h+1 height-h windows inside position t's window:
        // conv rows t+h-1 .. t+L-1.
        let pooled = tf.slice(conv, [0, h - 1, 0], [batch, length, nh]);
        for (let i = 1; i <= L - h; i++) {
          pooled = tf.maximum(pooled, tf.slice(conv, [0, h - 1 + i, 0], [batch, length, nh]));
        }
        features.push(pooled);
      }
    }
    let x = features.length > 1 ? tf.concat(features, 2) : features[0];
    x = dropout(x, rate, training, () => this.dropoutSeeds.next());
    let z = dense(x, v('dense_kernel'), v('dense_bias'), 'relu'); // [B, T, d]
    if (this.config.longTerm) {
      // Running mean of the embeddings so far (padding rows are zero and not
      // counted), as products with an upper-triangular ones matrix: tfjs's
      // Cumsum gradient has the wrong shape for an inner axis.
      const upto = tf.linalg.bandPart(tf.ones([length, length]), 0, -1); // [j, t] = 1 if j <= t
      const byDim = tf.reshape(tf.transpose(emb, [0, 2, 1]), [batch * d, length]);
      const sums = tf.transpose(tf.reshape(tf.matMul(byDim, upto), [batch, d, length]), [0, 2, 1]);
      const counts = tf.matMul(tf.reshape(validMask(ids), [batch, length]), upto); // [B, T]
      const mean = tf.div(sums, tf.expandDims(tf.maximum(counts, 1), -1));
      const longTerm = tf.matMul(tf.reshape(mean, [batch * length, d]), v('long_term_kernel'));
      z = tf.add(z, tf.reshape(longTerm, [batch, length, d]));
    }
    if (this.config.inputSkip) z = tf.add(z, emb);
    return tf.concat([z, tf.ones([batch, length, 1])], 2);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}

tf.serialization.registerClass(CaserEncoder);

export function buildCaser(config: CaserConfig): { model: tf.LayersModel; encoder: CaserEncoder } {
  const input = tf.input({ shape: [null], dtype: 'int32', name: 'items' });
  const encoder = new CaserEncoder(config);
  const output = encoder.apply(input) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: input, outputs: output, name: 'caser' }), encoder };
}
