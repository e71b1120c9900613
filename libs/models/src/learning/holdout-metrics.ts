/**
 * HR@k and NDCG@k of next-item cases under a scorer, ranked as serving ranks:
 * the shopper's own history is left out of the ranking (serving never shows
 * it back), the target is ranked against every other item. Ties count
 * against the target (a constant scorer gets no credit).
 */
export interface DenseCase {
  readonly history: Int32Array;
  readonly target: number;
}

export interface HoldoutScore {
  readonly hr: number;
  readonly ndcg: number;
  readonly cases: number;
}

/** Scores rows of `numItems` for a batch of histories (SequenceRecommender.scoreBatch). */
export type BatchScorer = (histories: readonly Int32Array[], out: Float32Array) => void;

export async function scoreHoldout(
  scorer: BatchScorer,
  numItems: number,
  cases: readonly DenseCase[],
  k: number,
  options: { batch?: number; yieldBetween?: () => Promise<void> } = {},
): Promise<HoldoutScore> {
  const batch = options.batch ?? 64;
  let hits = 0;
  let gain = 0;
  const out = new Float32Array(batch * numItems);
  for (let start = 0; start < cases.length; start += batch) {
    const chunk = cases.slice(start, start + batch);
    scorer(
      chunk.map((c) => c.history),
      out,
    );
    chunk.forEach((c, row) => {
      const rank = rankOf(out.subarray(row * numItems, (row + 1) * numItems), c);
      if (rank < k) {
        hits++;
        gain += 1 / Math.log2(rank + 2);
      }
    });
    await options.yieldBetween?.();
  }
  const n = cases.length;
  return { hr: n ? hits / n : 0, ndcg: n ? gain / n : 0, cases: n };
}

/** 0-based rank of the target among items not in the history. */
export function rankOf(scores: Float32Array, c: DenseCase): number {
  const mine = scores[c.target]!;
  if (!Number.isFinite(mine)) return scores.length;
  const masked = new Set<number>();
  for (const item of c.history) if (item !== c.target) masked.add(item);
  let rank = 0;
  for (let i = 0; i < scores.length; i++) {
    if (i === c.target || masked.has(i)) continue;
    if (scores[i]! >= mine) rank++;
  }
  return rank;
}
