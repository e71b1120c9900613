/**
 * What the learning loop learns from: one shopper touching one item, as
 * committed to the log. Searches carry no item and cart removals are not
 * interest, so neither becomes a training example.
 */
export interface Interaction {
  readonly shopperId: string;
  readonly itemId: string;
  /** Global log position (decimal string: 64-bit). */
  readonly position: string;
  /** When the store committed it (epoch ms): lag and event-to-weights latency start here. */
  readonly recordedAtMs: number;
}

export const LEARNED_EVENT_TYPES = ['ShopperViewedItem', 'ShopperAddedItemToCart', 'ShopperPurchasedItem'] as const;

interface CommittedLike {
  readonly type: string;
  readonly position: bigint;
  readonly recordedAt: Date;
  readonly data: Record<string, unknown>;
}

/** The interaction a committed event is, or undefined when it is none. */
export function interactionOf(event: CommittedLike): Interaction | undefined {
  if (!(LEARNED_EVENT_TYPES as readonly string[]).includes(event.type)) return undefined;
  const { shopperId, itemId } = event.data;
  if (typeof shopperId !== 'string' || typeof itemId !== 'string') return undefined;
  return { shopperId, itemId, position: event.position.toString(), recordedAtMs: event.recordedAt.getTime() };
}
