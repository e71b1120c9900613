import type { DecayedScores } from '@pulse/platform/time/decayed-map';
import type { InteractionKind } from '../domain/shopper.decider';

/**
 * One document per shopper in read model `shopper_profiles` (id = shopperId):
 * what the shopper is interested in, for ranking and recommendations.
 *
 * Keys of the object maps (affinities, cart) are shop data passed through
 * `encodeKey` (@pulse/platform/text/document-key): unchanged unless they
 * contain '%', '.', '$' or NUL, which document stores refuse in keys.
 * Times are ISO strings (UTC); decayed scores carry epoch ms.
 */
export type ShopperProfileDocument = {
  readonly shopperId: string;
  /** The half-life the affinities were built with; pass it to `valueAt` to read them. */
  readonly halfLifeMs: number;
  readonly affinities: ShopperAffinities;
  /** Newest first by occurredAt, at most `recentLimit`. */
  readonly recentInteractions: readonly RecentInteraction[];
  /** Distinct, most recently purchased first, at most `purchasedLimit`. */
  readonly purchasedItemIds: readonly string[];
  /** encodeKey(itemId) → quantity, never zero or negative (removes are clamped). */
  readonly cart: Readonly<Record<string, number>>;
  readonly currentSession: CurrentSession;
  readonly counts: Readonly<Record<InteractionKind, number>>;
  /** Earliest and latest occurredAt seen (events can arrive out of order). */
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  /** When the store recorded the latest event applied (log time, not client time). */
  readonly lastEventAt: string;
};

/** Decayed interest, each map bounded to the `affinityLimit` strongest keys. */
export type ShopperAffinities = {
  /** Every level of an item's category path: 'Shoes', 'Shoes>Running'. */
  readonly categories: DecayedScores;
  /** Non-empty brands. */
  readonly brands: DecayedScores;
  /** Search terms (tokenised queries; see @pulse/platform/text/tokenizer). */
  readonly terms: DecayedScores;
  /** `<currency>:<band>`, e.g. 'EUR:50-100' (see price-band.ts). */
  readonly priceBands: DecayedScores;
};

export type RecentInteraction = {
  readonly type: InteractionKind;
  readonly itemId?: string;
  readonly query?: string;
  readonly sessionId: string;
  readonly occurredAt: string;
};

/** The shopper's latest session; a new sessionId replaces it. */
export type CurrentSession = {
  readonly sessionId: string;
  readonly startedAt: string;
  readonly lastAt: string;
  /** Distinct item ids the session touched, most recent first, at most `sessionItemLimit`. */
  readonly itemIds: readonly string[];
};
