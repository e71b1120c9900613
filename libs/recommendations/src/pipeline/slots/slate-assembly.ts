import { compareKeys } from '@pulse/platform/time/decayed-map';
import { MmrSelector, type MmrEntry } from '../diversity/mmr';
import type { SlotKind } from '../recommendation-result';

export interface SlatePick {
  /** Index into the entries. */
  readonly index: number;
  readonly slot: SlotKind;
  /** The MMR value at the item's position (see MmrSelector). */
  readonly score: number;
}

export interface SlateRequest {
  readonly entries: readonly MmrEntry[];
  readonly lambda: number;
  /** One kind per position to fill (see planSlots). */
  readonly plan: readonly SlotKind[];
  readonly promoted: (index: number) => boolean;
  readonly exploration: (index: number) => boolean;
}

/**
 * Builds the list position by position.
 *
 * Reserved items are chosen first and fixed: the most relevant entries
 * matching the promotion, one per promoted slot, then the most relevant new
 * arrivals not already promoted, one per exploration slot. Each goes to its
 * planned position, in relevance order. A reserved slot left without an item
 * (too few matches) becomes organic.
 *
 * Organic positions take the best remaining non-reserved entry by MMR, with
 * similarity measured against everything above, reserved items included.
 * Because the organic pool only shrinks and MMR values only fall, organic
 * scores never increase down the list. No entry is picked twice; an organic
 * slot may hold an item that also matches the promotion on its own merit.
 */
export function assembleSlate(request: SlateRequest): SlatePick[] {
  const { entries, plan } = request;
  const byRelevance = entries
    .map((_, index) => index)
    .sort(
      (a, b) =>
        entries[b]!.relevance - entries[a]!.relevance ||
        compareKeys(entries[a]!.itemId, entries[b]!.itemId),
    );
  const count = (kind: SlotKind) => plan.filter((k) => k === kind).length;
  const promotedQueue = byRelevance.filter(request.promoted).slice(0, count('promoted'));
  const explorationQueue = byRelevance
    .filter((index) => request.exploration(index) && !promotedQueue.includes(index))
    .slice(0, count('exploration'));
  const reserved = new Set([...promotedQueue, ...explorationQueue]);
  const queues: Record<SlotKind, number[]> = {
    promoted: promotedQueue,
    exploration: explorationQueue,
    organic: [],
  };

  const selector = new MmrSelector(entries, request.lambda);
  const picks: SlatePick[] = [];
  for (const kind of plan) {
    let index = queues[kind].shift() ?? -1;
    const slot: SlotKind = index === -1 ? 'organic' : kind;
    if (index === -1) index = selector.next((i) => !reserved.has(i));
    if (index === -1) break;
    picks.push({ index, slot, score: selector.choose(index) });
  }
  return picks;
}
