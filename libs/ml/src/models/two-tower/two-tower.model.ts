import * as tf from '@tensorflow/tfjs';
import { SeedStream } from '../../runtime/seeding';
import {
  FeatureLayout,
  interestFieldRanges,
  itemFieldRanges,
  itemSlotWidth,
  interestSlotWidth,
} from './two-tower.features';

/**
 * The two-tower network (TensorFlow Recommenders' retrieval model): an item
 * tower and a shopper tower map into the same d-dimensional space, score =
 * dot product. Only the definition lives here; feature encoding is in
 * two-tower.features.ts and the loop in two-tower.trainer.ts.
 *
 * Item input = [id embedding | mean category-level embedding | brand | price
 * band | mean title-token embedding] (content parts only when the vocabulary
 * is non-empty). The id part is multiplied by a keep mask: zero for a new
 * item, and zero for a random share of items in training (id dropout), so the
 * tower learns to place an item from its content alone.
 *
 * Shopper input = [position-weighted mean of the history's item inputs |
 * latest item's input | mean interest category | brand | price band]. The
 * pooling weights are a learned softmax over "items ago" (initialised to a
 * recency decay), which is a one-parameter-per-position attention: cheap,
 * and it lets the model decide how much the latest item matters.
 *
 * Each tower is x -> x W_lin + relu(x W_1 + b_1) W_2 + b_2: the linear path
 * keeps the id-only case as easy to fit as a plain embedding model, the
 * hidden layer mixes features.
 */
export interface TwoTowerConfig {
  readonly numItems: number;
  /** Content vocabulary size (0: ids only). */
  readonly vocabularySize: number;
  readonly layout: FeatureLayout;
  readonly embeddingSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly maxLen: number;
  readonly dropout: number;
  readonly seed: number;
  /** 'cosine': both towers' outputs L2-normalised, the shopper's times `scale` (absent in older artifacts: 'dot'). */
  readonly similarity?: Similarity;
  readonly scale?: number;
  /** 'attention': pooling weights also depend on each item and the latest one (absent: 'position'). */
  readonly pooling?: Pooling;
}

export type Similarity = 'dot' | 'cosine';
export type Pooling = 'position' | 'attention';

/** Inputs for a batch of items (candidates, or flattened history positions). */
export interface ItemBatch {
  /** [n] item + 1, or 0 for no id (new item, padding). */
  readonly ids: tf.Tensor1D;
  /** [n, itemSlotWidth] content vocabulary ids (ignored without content). */
  readonly slots?: tf.Tensor2D;
  /** [n, 1] 1 keeps the id embedding, 0 drops it. */
  readonly idKeep: tf.Tensor2D;
}

export class TwoTowerNetwork {
  readonly variables: Record<string, tf.Variable> = {};
  readonly hasContent: boolean;
  readonly itemInputSize: number;
  readonly shopperInputSize: number;
  private readonly dropoutSeeds: SeedStream;

  constructor(
    readonly config: TwoTowerConfig,
    weights?: tf.NamedTensorMap,
  ) {
    const { embeddingSize: e, vocabularySize, hiddenSize: h, outputSize: d } = config;
    this.hasContent = vocabularySize > 0;
    this.itemInputSize = e * (this.hasContent ? 1 + 4 : 1);
    this.shopperInputSize = 2 * this.itemInputSize + (this.hasContent ? 3 * e : 0);
    this.dropoutSeeds = new SeedStream(config.seed, 'two-tower/dropout');
    const seeds = new SeedStream(config.seed, 'two-tower/init');
    type Init = ReturnType<typeof tf.initializers.zeros>;
    const shapes: Record<string, [number[], Init]> = {
      item_id_embedding: [
        [config.numItems + 1, e],
        tf.initializers.randomNormal({ mean: 0, stddev: 1 / Math.sqrt(e), seed: seeds.next() }),
      ],
      // Position logits by "items ago" (initialised below to a recency decay).
      history_position_logits: [[config.maxLen], tf.initializers.zeros()],
    };
    if (config.pooling === 'attention') {
      // SR-GNN / NARM readout: logit_j += v . sigmoid(W_q x_latest + W_k x_j + b).
      // v starts at zero, so training starts from plain position pooling.
      const f = this.itemInputSize;
      shapes.attention_query_kernel = [
        [f, f],
        tf.initializers.glorotUniform({ seed: seeds.next() }),
      ];
      shapes.attention_key_kernel = [[f, f], tf.initializers.glorotUniform({ seed: seeds.next() })];
      shapes.attention_bias = [[f], tf.initializers.zeros()];
      shapes.attention_vector = [[f, 1], tf.initializers.zeros()];
    }
    if (this.hasContent) {
      shapes.content_embedding = [
        [vocabularySize + 1, e],
        tf.initializers.randomNormal({ mean: 0, stddev: 1 / Math.sqrt(e), seed: seeds.next() }),
      ];
    }
    for (const [tower, input] of [
      ['item', this.itemInputSize],
      ['shopper', this.shopperInputSize],
    ] as const) {
      shapes[`${tower}_linear`] = [
        [input, d],
        tf.initializers.glorotUniform({ seed: seeds.next() }),
      ];
      shapes[`${tower}_hidden_kernel`] = [
        [input, h],
        tf.initializers.heNormal({ seed: seeds.next() }),
      ];
      shapes[`${tower}_hidden_bias`] = [[h], tf.initializers.zeros()];
      shapes[`${tower}_out_kernel`] = [
        [h, d],
        tf.initializers.glorotUniform({ seed: seeds.next() }),
      ];
      shapes[`${tower}_out_bias`] = [[d], tf.initializers.zeros()];
    }
    for (const [name, [shape, init]] of Object.entries(shapes)) {
      const given = weights?.[name];
      if (weights && !given) throw new Error(`two-tower weights: missing ${name}`);
      if (given && given.shape.join(',') !== shape.join(',')) {
        throw new Error(
          `two-tower weights: ${name} has shape [${given.shape}], expected [${shape}]`,
        );
      }
      let value = given ?? init.apply(shape, 'float32');
      if (!given && name === 'history_position_logits') {
        // -0.1 per step: recent items count a little more at first.
        value = tf.mul(tf.range(0, config.maxLen), -0.1);
      }
      // No variable name: tfjs registers names globally, and two models must coexist.
      this.variables[name] = tf.variable(value, true);
      if (value !== given) value.dispose();
    }
  }

  get trainable(): tf.Variable[] {
    return Object.values(this.variables);
  }

  private dropout(x: tf.Tensor, training: boolean): tf.Tensor {
    const rate = this.config.dropout;
    return training && rate > 0 ? tf.dropout(x, rate, undefined, this.dropoutSeeds.next()) : x;
  }

  /** Mean of the embeddings in each slot range ([n, w] ids -> [n, e] per range; 0 = empty). */
  private pooledFields(slots: tf.Tensor2D, ranges: [number, number][]): tf.Tensor2D[] {
    const table = this.variables.content_embedding;
    const n = slots.shape[0];
    const e = this.config.embeddingSize;
    const mask = tf.expandDims(tf.cast(tf.notEqual(slots, 0), 'float32'), -1); // [n, w, 1]
    const embedded = tf.mul(tf.gather(table, slots), mask); // [n, w, e]
    return ranges.map(([a, b]) => {
      const sum = tf.sum(tf.slice(embedded, [0, a, 0], [n, b - a, e]), 1);
      const count = tf.sum(tf.slice(mask, [0, a, 0], [n, b - a, 1]), 1);
      return tf.div(sum, tf.maximum(count, 1)) as tf.Tensor2D;
    });
  }

  /** Tower input of each item, [n, itemInputSize]. */
  itemInputs(batch: ItemBatch): tf.Tensor2D {
    const id = tf.mul(tf.gather(this.variables.item_id_embedding, batch.ids), batch.idKeep);
    if (!this.hasContent) return id as tf.Tensor2D;
    if (!batch.slots) throw new Error('two-tower: content slots required by a content model');
    const fields = this.pooledFields(batch.slots, itemFieldRanges(this.config.layout));
    return tf.concat([id as tf.Tensor2D, ...fields], 1);
  }

  private tower(name: 'item' | 'shopper', x: tf.Tensor2D): tf.Tensor2D {
    const v = this.variables;
    const hidden = tf.relu(
      tf.add(tf.matMul(x, v[`${name}_hidden_kernel`]), v[`${name}_hidden_bias`]),
    );
    return tf.add(
      tf.add(tf.matMul(x, v[`${name}_linear`]), tf.matMul(hidden, v[`${name}_out_kernel`])),
      v[`${name}_out_bias`],
    ) as tf.Tensor2D;
  }

  /** Item embeddings [n, d]. */
  embedItems(batch: ItemBatch, training: boolean): tf.Tensor2D {
    const out = this.tower('item', this.dropout(this.itemInputs(batch), training) as tf.Tensor2D);
    return this.config.similarity === 'cosine' ? unitRows(out) : out;
  }

  /**
   * Shopper embeddings [B, d] from left-padded histories: `history` holds
   * B*L items row by row, `present` [B, L] marks real items (a new item has
   * no id but is present), `interest` [B, interestSlotWidth] content ids.
   */
  embedShoppers(
    history: ItemBatch,
    present: tf.Tensor2D,
    interest: tf.Tensor2D | undefined,
    training: boolean,
  ): tf.Tensor2D {
    const [b, l] = present.shape;
    if (l > this.config.maxLen)
      throw new Error(`history window ${l} > maxLen ${this.config.maxLen}`);
    const f = this.itemInputSize;
    const items = tf.reshape(this.itemInputs(history), [b, l, f]) as tf.Tensor3D;
    // Left-padded: column j is (l - 1 - j) items ago.
    const last = tf.reshape(tf.slice(items, [0, l - 1, 0], [b, 1, f]), [b, f]) as tf.Tensor2D;
    let logits: tf.Tensor = tf.expandDims(
      tf.reverse(tf.slice(this.variables.history_position_logits, [0], [l]), 0),
      0,
    );
    if (this.config.pooling === 'attention')
      logits = tf.add(logits, this.attentionLogits(items, last));
    const masked = tf.add(logits, tf.mul(tf.sub(present, 1), 1e9));
    const weights = tf.mul(tf.softmax(masked, 1), present); // all-padding rows pool to zero
    const pooled = tf.sum(tf.mul(items, tf.expandDims(weights, -1)), 1) as tf.Tensor2D;
    const parts: tf.Tensor2D[] = [pooled, last];
    if (this.hasContent) {
      if (!interest) throw new Error('two-tower: interest slots required by a content model');
      parts.push(...this.pooledFields(interest, interestFieldRanges(this.config.layout)));
    }
    const out = this.tower('shopper', this.dropout(tf.concat(parts, 1), training) as tf.Tensor2D);
    return this.config.similarity === 'cosine'
      ? (tf.mul(unitRows(out), this.config.scale ?? 1) as tf.Tensor2D)
      : out;
  }

  /** [b, l] attention logits of each history item given the latest one. */
  private attentionLogits(items: tf.Tensor3D, last: tf.Tensor2D): tf.Tensor2D {
    const v = this.variables;
    const [b, l, f] = items.shape;
    const keys = tf.reshape(tf.matMul(tf.reshape(items, [b * l, f]), v.attention_key_kernel), [
      b,
      l,
      f,
    ]);
    const query = tf.expandDims(tf.matMul(last, v.attention_query_kernel), 1); // [b, 1, f]
    const gate = tf.sigmoid(tf.add(tf.add(keys, query), v.attention_bias));
    return tf.reshape(tf.matMul(tf.reshape(gate, [b * l, f]), v.attention_vector), [b, l]);
  }

  /** Widths the encoders must produce (checked by callers building batches). */
  get slotWidths(): { item: number; interest: number } {
    return {
      item: itemSlotWidth(this.config.layout),
      interest: interestSlotWidth(this.config.layout),
    };
  }

  dispose(): void {
    for (const v of Object.values(this.variables)) v.dispose();
  }
}

/**
 * Rows scaled to unit length (NISER, Gupta et al. 2019): scores become cosine
 * similarities, so a popular item's long vector no longer outranks the
 * session's own neighbourhood, which is what drags long-tail items down.
 */
function unitRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x), 1, true), 1e-12))) as tf.Tensor2D;
}
