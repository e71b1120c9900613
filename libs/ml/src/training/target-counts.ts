import type { Sequences } from '../datasets/sequence-dataset';

/**
 * Per item, how often it is a next-item target (every position after a
 * sequence's first): the sampled softmax's proposal and logQ correction.
 */
export function targetCounts(sequences: Sequences, numItems: number): Float64Array {
  const counts = new Float64Array(numItems);
  const { offsets, items } = sequences;
  for (let s = 0; s + 1 < offsets.length; s++) {
    for (let i = offsets[s] + 1; i < offsets[s + 1]; i++) counts[items[i]]++;
  }
  return counts;
}
