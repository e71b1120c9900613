import { type DecayedScore, valueAt } from '@pulse/platform/time/decay';

/**
 * When has a shopper's interest moved enough to recompute their list? The
 * pure rule: compare the top categories (most specific level included) now
 * with those the last list was made for; refresh when the Jaccard distance
 * reaches the threshold, or when there is no list yet and there are interests.
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
): ShiftDecision {
  if (current.length === 0) return { refresh: false, distance: 0 };
  if (lastListCategories === undefined) return { refresh: true, distance: 1 };
  const distance = interestDistance(lastListCategories, current);
  return { refresh: distance >= threshold, distance };
}
