import { type DecayedScore, valueAt } from '@pulse/platform/time/decay';

/**
 * When has a shopper's interest moved enough to recompute their list? The
 * pure rule: compare the top categories (most specific level included) now
 * with those the last list was made for; refresh when the Jaccard distance
 * reaches the threshold. A shopper without a list gets a first one only when
 * someone follows their lists (an open SSE stream): lists otherwise start
 * with a model update, so a shop with no model and no subscriber writes no
 * RecommendationsRefreshed at all (one per active shopper per shift is a lot
 * of log for nobody).
 */
export function topCategories(
  categories: Readonly<Record<string, DecayedScore>> | undefined,
  nowMs: number,
  halfLifeMs: number,
  count = 3,
): string[] {
  return Object.entries(categories ?? {})
    .map(([key, score]) => [key, valueAt(score, nowMs, halfLifeMs)] as const)
    .filter(([, value]) => value > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([key]) => key);
}

export function interestDistance(before: readonly string[], now: readonly string[]): number {
  const a = new Set(before);
  const b = new Set(now);
  const union = new Set([...a, ...b]).size;
  if (union === 0) return 0;
  let shared = 0;
  for (const key of a) if (b.has(key)) shared++;
  return 1 - shared / union;
}

export interface ShiftDecision {
  readonly refresh: boolean;
  readonly distance: number;
}

export function decideInterestShift(
  lastListCategories: readonly string[] | undefined,
  current: readonly string[],
  threshold: number,
  followed = false,
): ShiftDecision {
  if (current.length === 0) return { refresh: false, distance: 0 };
  if (lastListCategories === undefined) return { refresh: followed, distance: 1 };
  const distance = interestDistance(lastListCategories, current);
  return { refresh: distance >= threshold, distance };
}
