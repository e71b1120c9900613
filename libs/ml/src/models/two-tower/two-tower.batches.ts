import type { Sequences } from '../../datasets/sequence-dataset';
import type { SeededRandom } from '../../util/random';
import {
  FeatureLayout,
  InterestDeriver,
  interestSlotWidth,
  itemSlotWidth,
} from './two-tower.features';

/**
 * Turns histories into the arrays the network takes. A history element is a
 * dense item id (>= 0) or, for an item the model never saw, -(k + 1): row k
 * of `extraSlots` holds its content (serving only).
 */
export interface EncodedHistories {
  readonly rows: number;
  readonly length: number;
  /** [rows * length] item + 1, 0 = padding or no id. Left-padded. */
  readonly ids: Int32Array;
  /** [rows * length] 1 for a real item (known or new), 0 for padding. */
  readonly present: Float32Array;
  /** [rows * length * itemSlotWidth] content ids, when the model has content. */
  readonly slots?: Int32Array;
  /** [rows * interestSlotWidth], when the model has content. */
  readonly interest?: Int32Array;
}

export class HistoryEncoder {
  private readonly width: number;
  private readonly interestWidth: number;
  private readonly deriver: InterestDeriver;

  constructor(
    /** Content rows of known items, indexed by item + 1 (see encodeItemTable). */
    private readonly itemSlots: Int32Array,
    private readonly layout: FeatureLayout,
    private readonly hasContent: boolean,
    vocabularySize: number,
    readonly maxLen: number,
  ) {
    this.width = itemSlotWidth(layout);
    this.interestWidth = interestSlotWidth(layout);
    this.deriver = new InterestDeriver(vocabularySize, layout);
  }

  /**
   * `given[b]`, when set, is the caller's interest (already encoded) and
   * replaces the one derived from the history (from all of it, not just the
   * latest maxLen items, as the profile's affinities would be).
   */
  encode(
    histories: readonly ArrayLike<number>[],
    extraSlots?: Int32Array,
    given?: readonly (Int32Array | undefined)[],
  ): EncodedHistories {
    const rows = histories.length;
    let length = 1;
    for (const h of histories) length = Math.max(length, Math.min(h.length, this.maxLen));
    const ids = new Int32Array(rows * length);
    const present = new Float32Array(rows * length);
    const w = this.width;
    const slots = this.hasContent ? new Int32Array(rows * length * w) : undefined;
    const interest = this.hasContent ? new Int32Array(rows * this.interestWidth) : undefined;
    const source = (ref: number): [Int32Array, number] =>
      ref >= 0 ? [this.itemSlots, (ref + 1) * w] : [extraSlots!, (-ref - 1) * w];
    for (let b = 0; b < rows; b++) {
      const h = histories[b];
      const n = Math.min(h.length, length);
      for (let k = 0; k < n; k++) {
        const ref = h[h.length - n + k];
        const at = b * length + (length - n + k);
        ids[at] = ref >= 0 ? ref + 1 : 0;
        present[at] = 1;
        if (slots) {
          const [table, offset] = source(ref);
          slots.set(table.subarray(offset, offset + w), at * w);
        }
      }
      if (interest) {
        const mine = given?.[b];
        if (mine) interest.set(mine, b * this.interestWidth);
        else {
          this.deriver.derive(
            h.length,
            slots ? this.itemSlotsFor(h, extraSlots) : this.itemSlots,
            (k) => this.rowOffsetOf(h[h.length - 1 - k]),
            interest,
            b * this.interestWidth,
          );
        }
      }
    }
    return { rows, length, ids, present, slots, interest };
  }

  private extra: Int32Array | undefined;
  /** The deriver reads rows by offset; new items' rows sit after the known ones. */
  private itemSlotsFor(h: ArrayLike<number>, extraSlots: Int32Array | undefined): Int32Array {
    let hasNew = false;
    for (let i = 0; i < h.length; i++) if (h[i] < 0) hasNew = true;
    if (!hasNew || !extraSlots) return this.itemSlots;
    this.extra = new Int32Array(this.itemSlots.length + extraSlots.length);
    this.extra.set(this.itemSlots);
    this.extra.set(extraSlots, this.itemSlots.length);
    return this.extra;
  }
  private rowOffsetOf(ref: number): number {
    return ref >= 0 ? (ref + 1) * this.width : this.itemSlots.length + (-ref - 1) * this.width;
  }
}

/** Next-item examples: every position after the first of every sequence. */
export interface TrainingExamples {
  /** Index in sequences.items of each example's target. */
  readonly targetAt: Int32Array;
  /** Index in sequences.items where the example's sequence starts. */
  readonly sequenceStart: Int32Array;
}

export function buildExamples(sequences: Sequences): TrainingExamples {
  const { offsets } = sequences;
  let count = 0;
  for (let s = 0; s + 1 < offsets.length; s++)
    count += Math.max(0, offsets[s + 1] - offsets[s] - 1);
  const targetAt = new Int32Array(count);
  const sequenceStart = new Int32Array(count);
  let e = 0;
  for (let s = 0; s + 1 < offsets.length; s++) {
    for (let t = offsets[s] + 1; t < offsets[s + 1]; t++) {
      targetAt[e] = t;
      sequenceStart[e++] = offsets[s];
    }
  }
  return { targetAt, sequenceStart };
}

/**
 * Shuffled batches with little padding: examples are shuffled, cut into
 * chunks of 32 batches, sorted by history length inside a chunk, split into
 * batches, and the batch order is shuffled again.
 */
export function makeExampleBatches(
  examples: TrainingExamples,
  batchSize: number,
  maxLen: number,
  rng: SeededRandom,
): Int32Array[] {
  const n = examples.targetAt.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  rng.shuffle(order);
  const len = (i: number) => Math.min(maxLen, examples.targetAt[i] - examples.sequenceStart[i]);
  const chunk = batchSize * 32;
  const batches: Int32Array[] = [];
  for (let c = 0; c < n; c += chunk) {
    const part = order.slice(c, Math.min(n, c + chunk)).sort((a, b) => len(a) - len(b));
    for (let b = 0; b < part.length; b += batchSize) batches.push(part.slice(b, b + batchSize));
  }
  rng.shuffle(batches);
  return batches;
}
