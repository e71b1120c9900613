import { compareKeys } from '@pulse/platform/time/decayed-map';
import type { GeneratedCandidate } from './candidate-generator';

/**
 * Keeps the candidates of the `budget` items with the highest summed score
 * (ties by item id), every piece of evidence of a kept item included, in
 * input order.
 */
export function keepTopItems(
  candidates: readonly GeneratedCandidate[],
  budget: number,
): GeneratedCandidate[] {
  const totals = new Map<string, number>();
  for (const { itemId, score } of candidates) totals.set(itemId, (totals.get(itemId) ?? 0) + score);
  if (totals.size <= budget) return [...candidates];
  const kept = new Set(
    [...totals]
      .sort(([a, x], [b, y]) => y - x || compareKeys(a, b))
      .slice(0, Math.max(0, budget))
      .map(([itemId]) => itemId),
  );
  return candidates.filter((candidate) => kept.has(candidate.itemId));
}

/** Share of `budget` for one of several weighted lists, at least `floor`. */
export function shareOf(budget: number, weight: number, totalWeight: number, floor = 5): number {
  return Math.max(floor, Math.ceil((budget * weight) / (totalWeight || 1)));
}
