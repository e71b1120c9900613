import { setOwn } from '../text/document-key';
import { addDecayed, valueAt, type DecayedScore } from './decay';

/**
 * A bounded map of decayed scores (affinity per category, per brand, ...):
 * plain object, so it stores as JSON. Keys must already be safe document keys
 * (see `encodeKey` in ../text/document-key).
 */
export type DecayedScores = Readonly<Record<string, DecayedScore>>;

export interface DecayedAddition {
  readonly key: string;
  readonly weight: number;
}

/**
 * Returns a copy of `scores` with each addition applied at `at`, holding at
 * most `limit` keys so documents stay bounded.
 *
 * When the map is full, a new key takes the place of the weakest one and
 * starts from that one's value (the Space-Saving rule, Metwally et al.
 * 2005). Simply refusing newcomers would lock a full map forever: a fresh
 * interest starts at one weight and could never overtake the weakest kept
 * key. With the rule, any key whose true score exceeds the map's total / limit
 * is guaranteed to be kept; the price is that a newcomer in a full map is
 * overestimated by at most the weakest kept score.
 *
 * Strength is compared at one common instant (the latest `at` involved),
 * because entries updated at different times can only be compared after
 * decaying them to the same moment; ties go to the smaller key, so the result
 * never depends on insertion order. Keys whose score falls to zero or below
 * (negative weights, e.g. a cart removal) are dropped: they carry no interest.
 * A negative weight for a key not in the map is ignored.
 */
export function addToDecayedScores(
  scores: DecayedScores | undefined,
  additions: readonly DecayedAddition[],
  at: number,
  halfLifeMs: number,
  limit: number,
): Record<string, DecayedScore> {
  const next: Record<string, DecayedScore> = { ...(scores ?? {}) };
  let size = Object.keys(next).length;
  for (const { key, weight } of additions) {
    if (Object.hasOwn(next, key)) {
      const score = addDecayed(next[key], weight, at, halfLifeMs);
      if (score.value > 0) {
        setOwn(next, key, score);
      } else {
        delete next[key];
        size--;
      }
      continue;
    }
    if (!(weight > 0) || limit <= 0) continue;
    if (size < limit) {
      setOwn(next, key, addDecayed(undefined, weight, at, halfLifeMs));
      size++;
      continue;
    }
    const weakest = weakestEntry(next, at, halfLifeMs);
    delete next[weakest.key];
    setOwn(next, key, addDecayed(weakest.score, weight, at, halfLifeMs));
  }
  // Only a map that arrived over the limit (the limit was lowered) needs this.
  return size > limit ? topDecayed(next, halfLifeMs, limit) : next;
}

/** The entry with the lowest value at the latest instant; among equals, the largest key. */
function weakestEntry(
  scores: DecayedScores,
  at: number,
  halfLifeMs: number,
): { key: string; score: DecayedScore } {
  const entries = Object.entries(scores);
  const reference = entries.reduce((latest, [, score]) => Math.max(latest, score.at), at);
  let weakest: { key: string; score: DecayedScore; strength: number } | undefined;
  for (const [key, score] of entries) {
    const strength = valueAt(score, reference, halfLifeMs);
    if (
      weakest === undefined ||
      strength < weakest.strength ||
      (strength === weakest.strength && compareKeys(key, weakest.key) > 0)
    ) {
      weakest = { key, score, strength };
    }
  }
  return weakest!;
}

/** The `limit` strongest positive entries, as a new object. */
export function topDecayed(
  scores: DecayedScores,
  halfLifeMs: number,
  limit: number,
): Record<string, DecayedScore> {
  const entries = Object.entries(scores);
  const reference = entries.reduce((latest, [, score]) => Math.max(latest, score.at), -Infinity);
  const ranked = entries
    .map(([key, score]) => ({ key, score, strength: valueAt(score, reference, halfLifeMs) }))
    .filter((entry) => entry.strength > 0)
    .sort((a, b) => b.strength - a.strength || compareKeys(a.key, b.key))
    .slice(0, Math.max(0, limit));
  const result: Record<string, DecayedScore> = {};
  for (const { key, score } of ranked) setOwn(result, key, score);
  return result;
}

/** Code-unit order, the same on every machine (unlike localeCompare). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
