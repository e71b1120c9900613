import type { Sequences } from '../datasets/sequence-dataset';
import { sequenceAt, sequenceCount } from '../datasets/sequence-dataset';
import type { SeededRandom } from '../util/random';

/**
 * Feature encoding for the sequence models, kept apart from model and loop:
 * dense item ids become encoder ids (item + 1; 0 is padding), histories are
 * cut to the latest maxLen items and left-padded, and training sequences
 * become windows whose every position predicts the next item.
 */

/** Training windows: window w is items[offsets[w]..offsets[w+1]), input = all but the last, targets = all but the first. */
export interface TrainingWindows {
  readonly offsets: Int32Array;
  readonly items: Int32Array;
  /** Number of next-item targets over all windows. */
  readonly targets: number;
}

export interface WindowOptions {
  readonly maxLen: number;
  /**
   * 'last' (SASRec's choice): one window per sequence, its latest maxLen + 1
   * items. 'all': longer sequences are cut into consecutive windows, so no
   * transition is dropped.
   */
  readonly windows?: 'last' | 'all';
}

export function buildTrainingWindows(
  sequences: Sequences,
  options: WindowOptions,
): TrainingWindows {
  const span = options.maxLen + 1;
  const offsets: number[] = [0];
  const items: number[] = [];
  let targets = 0;
  const pushWindow = (s: Int32Array, start: number, end: number) => {
    for (let i = start; i < end; i++) items.push(s[i]);
    offsets.push(items.length);
    targets += end - start - 1;
  };
  for (let i = 0; i < sequenceCount(sequences); i++) {
    const s = sequenceAt(sequences, i);
    if (s.length < 2) continue;
    if (options.windows === 'all') {
      // Consecutive windows overlapping by one item, latest first aligned to the end.
      let end = s.length;
      while (end >= 2) {
        const start = Math.max(0, end - span);
        pushWindow(s, start, end);
        end = start + 1;
        if (start === 0) break;
      }
    } else {
      pushWindow(s, Math.max(0, s.length - span), s.length);
    }
  }
  return { offsets: Int32Array.from(offsets), items: Int32Array.from(items), targets };
}

/**
 * Mini-batches of window indices. Windows are shuffled, then sorted by length
 * inside chunks of `bucketBatches` batches, so each batch is padded only to
 * its own longest window (most sequences are far shorter than maxLen); batch
 * order is shuffled again.
 */
export function makeBatches(
  windows: TrainingWindows,
  batchSize: number,
  rng: SeededRandom,
  bucketBatches = 32,
): Int32Array[] {
  const count = windows.offsets.length - 1;
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  rng.shuffle(order);
  const len = (w: number) => windows.offsets[w + 1] - windows.offsets[w];
  const chunk = Math.max(1, batchSize * bucketBatches);
  const batches: Int32Array[] = [];
  for (let start = 0; start < count; start += chunk) {
    const part = order.slice(start, Math.min(count, start + chunk));
    if (bucketBatches > 1) part.sort((a, b) => len(a) - len(b));
    for (let b = 0; b < part.length; b += batchSize) batches.push(part.slice(b, b + batchSize));
  }
  rng.shuffle(batches);
  return batches;
}

export interface EncodedBatch {
  /** Encoder ids [rows, length], left-padded. */
  readonly ids: Int32Array;
  readonly rows: number;
  readonly length: number;
  /** Flat positions (row * length + t) that have a next-item target. */
  readonly positions: Int32Array;
  /** Dense item id of the target at each position. */
  readonly targets: Int32Array;
}

export function encodeTrainingBatch(windows: TrainingWindows, batch: Int32Array): EncodedBatch {
  let length = 1;
  let count = 0;
  for (const w of batch) {
    const n = windows.offsets[w + 1] - windows.offsets[w] - 1;
    length = Math.max(length, n);
    count += n;
  }
  const ids = new Int32Array(batch.length * length);
  const positions = new Int32Array(count);
  const targets = new Int32Array(count);
  let k = 0;
  for (let r = 0; r < batch.length; r++) {
    const start = windows.offsets[batch[r]];
    const n = windows.offsets[batch[r] + 1] - start - 1;
    const pad = length - n;
    for (let t = 0; t < n; t++) {
      ids[r * length + pad + t] = windows.items[start + t] + 1;
      positions[k] = r * length + pad + t;
      targets[k] = windows.items[start + t + 1];
      k++;
    }
  }
  return { ids, rows: batch.length, length, positions, targets };
}

/** Histories to encoder ids: latest maxLen items, left-padded to the longest (at least 1). */
export function encodeHistories(
  histories: readonly Int32Array[],
  maxLen: number,
): { ids: Int32Array; rows: number; length: number } {
  let length = 1;
  for (const h of histories) length = Math.max(length, Math.min(maxLen, h.length));
  const ids = new Int32Array(histories.length * length);
  histories.forEach((h, r) => {
    const n = Math.min(maxLen, h.length);
    const from = h.length - n;
    for (let t = 0; t < n; t++) ids[r * length + length - n + t] = h[from + t] + 1;
  });
  return { ids, rows: histories.length, length };
}
