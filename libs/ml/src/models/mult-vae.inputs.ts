import { Sequences, sequenceAt, sequenceCount } from '../datasets/sequence-dataset';
import type { SeededRandom } from '../util/random';
import type { SparseRows } from './mult-vae.model';

/**
 * Interaction vectors for Mult-VAE. The paper's input is a binary click
 * vector, L2-normalised; `decay` < 1 additionally weights each distinct item
 * by decay^(positions from the end of its latest occurrence), so recent
 * items count more (1 = the paper's binary vector). Repeats count once.
 */
export class InteractionVectors {
  private readonly stamp: Int32Array;
  private readonly slot: Int32Array;
  private round = 0;

  constructor(
    readonly numItems: number,
    readonly decay: number,
  ) {
    if (!(decay > 0 && decay <= 1)) throw new Error(`inputDecay must be in (0, 1], got ${decay}`);
    this.stamp = new Int32Array(numItems);
    this.slot = new Int32Array(numItems);
  }

  /** Appends the distinct items of `history` (latest first) and their normalised weights. */
  append(history: Int32Array, items: number[], weights: number[]): void {
    const stamp = ++this.round;
    const start = items.length;
    let w = 1;
    let norm = 0;
    for (let i = history.length - 1; i >= 0; i--, w *= this.decay) {
      const item = history[i];
      if (item < 0 || item >= this.numItems) {
        throw new Error(`history item ${item} outside 0..${this.numItems - 1}`);
      }
      if (this.stamp[item] === stamp) continue;
      this.stamp[item] = stamp;
      items.push(item);
      weights.push(w);
      norm += w * w;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = start; j < items.length; j++) weights[j] *= scale;
  }

  /** Sparse rows for a batch of histories (no dropout): what scoring feeds the encoder. */
  rows(histories: readonly Int32Array[]): SparseRows {
    const items: number[] = [];
    const weights: number[] = [];
    const offsets = new Int32Array(histories.length + 1);
    histories.forEach((h, r) => {
      this.append(h, items, weights);
      offsets[r + 1] = items.length;
    });
    return {
      rows: histories.length,
      offsets,
      items: Int32Array.from(items),
      weights: Float32Array.from(weights),
    };
  }

  /** Every training sequence's vector, once (a batch then only selects rows and drops items). */
  all(sequences: Sequences): SparseRows {
    const n = sequenceCount(sequences);
    const items: number[] = [];
    const weights: number[] = [];
    const offsets = new Int32Array(n + 1);
    for (let s = 0; s < n; s++) {
      this.append(sequenceAt(sequences, s), items, weights);
      offsets[s + 1] = items.length;
    }
    return { rows: n, offsets, items: Int32Array.from(items), weights: Float32Array.from(weights) };
  }
}

/** Training rows of one batch: the input (after dropout) and the reconstruction targets. */
export interface VaeBatch {
  readonly input: SparseRows;
  /** Items to reconstruct, per row (binary: each distinct item once, as in the paper). */
  readonly targets: SparseRows;
}

/**
 * Selects `picked` rows of `all`. Input dropout as in the paper's code: on
 * the normalised vector, each item kept with probability 1 - rate and scaled
 * by 1 / (1 - rate); the targets keep every item.
 */
export function vaeBatch(
  all: SparseRows,
  picked: Int32Array,
  dropoutRate: number,
  rng: SeededRandom,
): VaeBatch {
  let total = 0;
  for (const r of picked) total += all.offsets[r + 1] - all.offsets[r];
  const offsets = new Int32Array(picked.length + 1);
  const items = new Int32Array(total);
  const inWeights = new Float32Array(total);
  const ones = new Float32Array(total).fill(1);
  const keepScale = 1 / (1 - dropoutRate);
  let at = 0;
  picked.forEach((r, b) => {
    for (let j = all.offsets[r]; j < all.offsets[r + 1]; j++, at++) {
      items[at] = all.items[j];
      const keep = dropoutRate <= 0 || rng.next() >= dropoutRate;
      inWeights[at] = keep ? all.weights[j] * (dropoutRate > 0 ? keepScale : 1) : 0;
    }
    offsets[b + 1] = at;
  });
  return {
    input: { rows: picked.length, offsets, items, weights: inWeights },
    targets: { rows: picked.length, offsets, items, weights: ones },
  };
}
