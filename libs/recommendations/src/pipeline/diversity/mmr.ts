import { compareKeys } from '@pulse/platform/time/decayed-map';
import { itemSimilarity, type SimilarityFacts } from './item-similarity';

export interface MmrEntry {
  readonly itemId: string;
  /** The scorer's score, >= 0. */
  readonly relevance: number;
  readonly facts: SimilarityFacts;
}

/**
 * How far diversity 1 goes: lambda = 1 - 0.7·diversity, so even at full
 * diversity relevance keeps 30 % of the say (at lambda 0 MMR would pick the
 * most dissimilar item whatever its relevance).
 */
export const MAX_DIVERSITY_WEIGHT = 0.7;

export function mmrLambda(diversity: number): number {
  return 1 - MAX_DIVERSITY_WEIGHT * diversity;
}

/**
 * Maximal Marginal Relevance (Carbonell & Goldstein 1998), greedy:
 *
 *   value(c) = lambda·relevance(c)/best + (1 - lambda)·(1 - max sim(c, chosen))
 *
 * (the textbook `lambda·rel - (1 - lambda)·maxSim` shifted by 1 - lambda, so
 * values stay within 0..1). A candidate's value only falls as items are
 * chosen, so the values of successive picks never increase: they serve as
 * the list's scores. Diversity 0 gives lambda 1: plain relevance order.
 * Similarity: see itemSimilarity (category path overlap and brand).
 */
export class MmrSelector {
  private readonly maxSimilarity: number[];
  private readonly chosen: boolean[];
  private readonly best: number;

  constructor(
    private readonly entries: readonly MmrEntry[],
    private readonly lambda: number,
  ) {
    this.maxSimilarity = entries.map(() => 0);
    this.chosen = entries.map(() => false);
    this.best = Math.max(0, ...entries.map((entry) => entry.relevance));
  }

  value(index: number): number {
    const relevance = this.best > 0 ? this.entries[index]!.relevance / this.best : 0;
    return this.lambda * relevance + (1 - this.lambda) * (1 - this.maxSimilarity[index]!);
  }

  /** The unchosen entry with the highest value among those `eligible` accepts; -1 if none. */
  next(eligible: (index: number) => boolean = () => true): number {
    let bestIndex = -1;
    let bestValue = -Infinity;
    for (let index = 0; index < this.entries.length; index++) {
      if (this.chosen[index] || !eligible(index)) continue;
      const value = this.value(index);
      if (
        bestIndex === -1 ||
        value > bestValue ||
        (value === bestValue && this.before(index, bestIndex))
      ) {
        bestIndex = index;
        bestValue = value;
      }
    }
    return bestIndex;
  }

  /** Marks an entry chosen and returns its value at that moment. */
  choose(index: number): number {
    const value = this.value(index);
    this.chosen[index] = true;
    if (this.lambda < 1) {
      const facts = this.entries[index]!.facts;
      for (let other = 0; other < this.entries.length; other++) {
        if (this.chosen[other]) continue;
        const similarity = itemSimilarity(facts, this.entries[other]!.facts);
        if (similarity > this.maxSimilarity[other]!) this.maxSimilarity[other] = similarity;
      }
    }
    return value;
  }

  /** Ties: more relevant first, then by item id, so the order never depends on input order. */
  private before(a: number, b: number): boolean {
    const x = this.entries[a]!;
    const y = this.entries[b]!;
    return x.relevance !== y.relevance
      ? x.relevance > y.relevance
      : compareKeys(x.itemId, y.itemId) < 0;
  }
}
