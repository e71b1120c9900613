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
 * Returns a copy of `scores` with each addition applied at `at`, bounded to
 * `limit` keys by `boundDecayed`. Keys whose score falls to zero or below
 * (negative weights, e.g. a cart removal) are dropped: they carry no
 * interest; a negative weight for a key not held is ignored.
 */
export function addToDecayedScores(
  scores: DecayedScores | undefined,
  additions: readonly DecayedAddition[],
  at: number,
  halfLifeMs: number,
  limit: number,
): Record<string, DecayedScore> {
  const next: Record<string, DecayedScore> = { ...(scores ?? {}) };
  for (const { key, weight } of additions) {
    const held = Object.hasOwn(next, key);
    if (!held && !(weight > 0)) continue;
    const score = addDecayed(held ? next[key] : undefined, weight, at, halfLifeMs);
    if (score.value > 0) setOwn(next, key, score);
    else delete next[key];
  }
  return boundDecayed(next, halfLifeMs, limit);
}

/**
 * Slots of a bounded map reserved for the most recently updated keys
 * outside the strongest ones: a quarter of the map.
 */
export function probationSlots(limit: number): number {
  return limit < 2 ? 0 : Math.ceil(limit / 4);
}

/**
 * Keeps at most `limit` keys: the strongest `limit - probationSlots(limit)`
 * ("protected"), plus, in the remaining slots, the most recently updated of
 * the others ("probation").
 *
 * Why not simply the `limit` strongest: a new key starts at one weight, and
 * in a full map whose weakest key is stronger than that it would be dropped
 * on arrival every time, so it could never build up, however often it came
 * back (a new accessory that everyone now views with a popular item, a new
 * interest of a loyal shopper). In probation it survives until enough other
 * newcomers arrive, grows when it recurs, and is promoted once it beats the
 * weakest protected key. Scores are never inflated to make room, so every
 * kept score is exact.
 *
 * Strength is compared at one common instant (the latest `at` in the map),
 * because entries updated at different times can only be compared after
 * decaying them to the same moment; ties go to the smaller key, so the result
 * never depends on insertion order.
 */
export function boundDecayed(
  scores: DecayedScores,
  halfLifeMs: number,
  limit: number,
): Record<string, DecayedScore> {
  const ranked = rankDecayed(scores, halfLifeMs);
  if (ranked.length <= limit) return fromEntries(ranked);
  const protectedCount = Math.max(0, limit - probationSlots(limit));
  const probation = ranked
    .slice(protectedCount)
    .sort((a, b) => b.score.at - a.score.at || b.strength - a.strength || compareKeys(a.key, b.key))
    .slice(0, Math.max(0, limit - protectedCount));
  return fromEntries([...ranked.slice(0, protectedCount), ...probation]);
}

export interface RankedScore {
  readonly key: string;
  readonly score: DecayedScore;
  /** The value at the latest instant of the map. */
  readonly strength: number;
}

/** Every entry, strongest first at the map's latest instant; ties by key. */
export function rankDecayed(scores: DecayedScores, halfLifeMs: number): RankedScore[] {
  const entries = Object.entries(scores);
  const reference = entries.reduce((latest, [, score]) => Math.max(latest, score.at), -Infinity);
  return entries
    .map(([key, score]) => ({ key, score, strength: valueAt(score, reference, halfLifeMs) }))
    .sort((a, b) => b.strength - a.strength || compareKeys(a.key, b.key));
}

/** Code-unit order, the same on every machine (unlike localeCompare). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fromEntries(entries: readonly RankedScore[]): Record<string, DecayedScore> {
  const result: Record<string, DecayedScore> = {};
  for (const { key, score } of entries) setOwn(result, key, score);
  return result;
}
