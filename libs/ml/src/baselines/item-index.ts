import { sequenceCount } from '../datasets/sequence-dataset';
import type { Sequences } from '../datasets/sequence-dataset';

/**
 * Inverted index shared by the neighbourhood models: for each item the
 * sequences that contain it (ascending sequence index, each once), and for
 * each sequence its distinct items in first-seen order.
 */
export interface InvertedIndex {
  readonly numItems: number;
  readonly numSequences: number;
  /** postings of item i: sequenceIds[postingStart[i] .. postingStart[i+1]) */
  readonly postingStart: Int32Array;
  readonly sequenceIds: Int32Array;
  /** distinct items of sequence s: distinctItems[distinctStart[s] .. distinctStart[s+1]) */
  readonly distinctStart: Int32Array;
  readonly distinctItems: Int32Array;
}

export function buildInvertedIndex(sequences: Sequences, numItems: number): InvertedIndex {
  const n = sequenceCount(sequences);
  const { offsets, items } = sequences;
  const stamp = new Int32Array(numItems).fill(-1);
  const distinctStart = new Int32Array(n + 1);
  const distinctTmp = new Int32Array(items.length);
  const postingCount = new Int32Array(numItems + 1);
  let d = 0;
  for (let s = 0; s < n; s++) {
    for (let i = offsets[s]; i < offsets[s + 1]; i++) {
      const it = items[i];
      if (stamp[it] === s) continue;
      stamp[it] = s;
      distinctTmp[d++] = it;
      postingCount[it + 1]++;
    }
    distinctStart[s + 1] = d;
  }
  const distinctItems = distinctTmp.slice(0, d);
  const postingStart = new Int32Array(numItems + 1);
  for (let i = 0; i < numItems; i++) postingStart[i + 1] = postingStart[i] + postingCount[i + 1];
  const fill = postingStart.slice(0, numItems);
  const sequenceIds = new Int32Array(d);
  for (let s = 0; s < n; s++) {
    for (let k = distinctStart[s]; k < distinctStart[s + 1]; k++)
      sequenceIds[fill[distinctItems[k]]++] = s;
  }
  return { numItems, numSequences: n, postingStart, sequenceIds, distinctStart, distinctItems };
}
