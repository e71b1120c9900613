import { addToDecayedScores, rankDecayed } from '@pulse/platform/time/decayed-map';
import { setOwn } from '@pulse/platform/text/document-key';
import type { DecayedScore } from '@pulse/platform/time/decay';
import type { Neighbour } from './item-statistics.document';

/**
 * Adds co-occurrences to a bounded neighbour list (alsoViewed / alsoBought)
 * and returns it strongest first, at most `k` long.
 *
 * Bounded like every decayed map (boundDecayed): the strongest neighbours
 * plus a few probation slots for the most recent newcomers. Keeping only
 * the k strongest would freeze the list of a popular item for weeks: its
 * neighbours score far above one co-occurrence, so a new item (a newly
 * listed accessory) would be dropped on arrival every time and never build up.
 *
 * Stored as an array, not an object keyed by item id, so the order is the
 * ranking and item ids need no key encoding.
 */
export function addNeighbours(
  list: readonly Neighbour[],
  itemIds: readonly string[],
  weight: number,
  at: number,
  halfLifeMs: number,
  k: number,
): Neighbour[] {
  if (itemIds.length === 0) return [...list];
  const scores: Record<string, DecayedScore> = {};
  for (const { itemId, score } of list) setOwn(scores, itemId, score);
  const bounded = addToDecayedScores(
    scores,
    itemIds.map((itemId) => ({ key: itemId, weight })),
    at,
    halfLifeMs,
    k,
  );
  return rankDecayed(bounded, halfLifeMs).map(({ key, score }) => ({ itemId: key, score }));
}
