import { SyntheticShop } from '@pulse/testing/synthetic/shop/synthetic-shop';
import type { WireInteraction, WireItem } from '@pulse/testing/synthetic/shop/wire';

/**
 * The learning-loop bench's traffic, generated once up front so both arms
 * (saga on, saga off) get exactly the same events: a history the champion is
 * trained on, then live batches; before batch `shiftAtBatch` most shoppers'
 * latent interests jump (the shop's own `shiftInterests`). Catalog changes
 * (stock) are left out: they would hit both arms alike and only add noise.
 */
export interface TrafficOptions {
  readonly seed: number;
  readonly items: number;
  readonly shoppers: number;
  readonly historyEvents: number;
  readonly batches: number;
  readonly batchEvents: number;
  /** Live batches before the shift. */
  readonly shiftAtBatch: number;
  /** Share of shoppers whose interests jump. */
  readonly shiftShare: number;
  /** Wall-clock ms the shop's simulated stream must end before (occurredAt may not be in the future). */
  readonly endBeforeMs: number;
}

export interface Traffic {
  readonly items: readonly WireItem[];
  readonly history: readonly WireInteraction[];
  readonly batches: readonly (readonly WireInteraction[])[];
}

export function buildTraffic(o: TrafficOptions): Traffic {
  const total = o.historyEvents + o.batches * o.batchEvents;
  // Ten events a simulated minute is far above what this shop makes; a start a day per 10k events back is safe.
  const startAt = o.endBeforeMs - Math.max(2, Math.ceil(total / 10_000) * 24) * 3_600_000;
  const shop = new SyntheticShop({
    seed: o.seed,
    items: o.items,
    shoppers: o.shoppers,
    anonymousShare: 0.1,
    diurnal: false,
    newItemsPerDay: 0,
    startAt,
  });
  const take = (count: number): WireInteraction[] => {
    const out: WireInteraction[] = [];
    while (out.length < count) {
      const next = shop.next();
      if (next.kind === 'interaction') out.push(next.event);
    }
    return out;
  };
  const history = take(o.historyEvents);
  const batches: WireInteraction[][] = [];
  for (let b = 0; b < o.batches; b++) {
    if (b === o.shiftAtBatch) shop.shiftInterests(o.shiftShare);
    batches.push(take(o.batchEvents));
  }
  const last = batches.at(-1)?.at(-1) ?? history.at(-1);
  if (last && Date.parse(last.occurredAt) > o.endBeforeMs) {
    throw new Error(`traffic: the simulated stream runs to ${last.occurredAt}, past the wall clock; fewer events`);
  }
  return { items: shop.initialItems, history, batches };
}

/** A next-item case: what the shopper touches next, to be predicted from what Pulse knows before the batch. */
export interface NextItemCase {
  readonly shopperId: string;
  readonly target: string;
}

/**
 * The cases of one batch, prequential: per shopper the first item they
 * touch in the batch that they never touched before (so neither "already
 * seen in the session" nor "already bought" filters can hide it), counted
 * only when Pulse already has at least `minHistory` of their item events.
 * `seen` is each shopper's items so far and is updated with the batch.
 */
export function casesOfBatch(
  batch: readonly WireInteraction[],
  seen: Map<string, Set<string>>,
  minHistory = 2,
): NextItemCase[] {
  const cases: NextItemCase[] = [];
  const decided = new Set<string>();
  for (const event of batch) {
    if (!('itemId' in event) || !event.itemId || event.type === 'remove_from_cart') continue;
    const items = seen.get(event.shopperId);
    if (!decided.has(event.shopperId)) {
      if (items && items.size >= minHistory && !items.has(event.itemId)) {
        cases.push({ shopperId: event.shopperId, target: event.itemId });
        decided.add(event.shopperId);
      } else if (items && items.size >= minHistory) {
        // A revisit first: the shopper's first move in this batch is not a new-item case; skip them this batch.
        decided.add(event.shopperId);
      }
    }
  }
  for (const event of batch) {
    if (!('itemId' in event) || !event.itemId) continue;
    const items = seen.get(event.shopperId) ?? new Set<string>();
    items.add(event.itemId);
    seen.set(event.shopperId, items);
  }
  return cases;
}

/** The shoppers with the most events in the given batches, most first (ties by id): whom the SSE clients follow. */
export function mostActive(batches: readonly (readonly WireInteraction[])[], count: number): string[] {
  const counts = new Map<string, number>();
  for (const batch of batches) for (const e of batch) counts.set(e.shopperId, (counts.get(e.shopperId) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, count)
    .map(([id]) => id);
}
