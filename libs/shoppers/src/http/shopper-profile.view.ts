import { decodeKey } from '@pulse/platform/text/document-key';
import { valueAt } from '@pulse/platform/time/decay';
import type { DecayedScores } from '@pulse/platform/time/decayed-map';
import type { ShopperProfileDocument } from '../projections/shopper-profile.document';

export interface Affinity {
  readonly key: string;
  /** Decayed to the moment of the request. */
  readonly score: number;
}

/**
 * The profile as the API shows it: affinities decayed to `now`, strongest
 * first, with keys decoded back to the shop's own strings; cart as a list.
 */
export function shopperProfileView(doc: ShopperProfileDocument, now: number, topN = 20) {
  const ranked = (scores: DecayedScores): Affinity[] =>
    Object.entries(scores)
      .map(([key, score]) => ({ key: decodeKey(key), score: round(valueAt(score, now, doc.halfLifeMs)) }))
      .filter((a) => a.score > 0)
      .sort((a, b) => b.score - a.score || a.key.localeCompare(b.key))
      .slice(0, topN);
  return {
    shopperId: doc.shopperId,
    affinities: {
      categories: ranked(doc.affinities.categories),
      brands: ranked(doc.affinities.brands),
      terms: ranked(doc.affinities.terms),
      priceBands: ranked(doc.affinities.priceBands),
    },
    recentInteractions: doc.recentInteractions,
    cart: Object.entries(doc.cart).map(([itemId, quantity]) => ({ itemId: decodeKey(itemId), quantity })),
    purchasedItemIds: doc.purchasedItemIds,
    currentSession: doc.currentSession,
    counts: doc.counts,
    firstSeenAt: doc.firstSeenAt,
    lastSeenAt: doc.lastSeenAt,
    interestHalfLifeHours: doc.halfLifeMs / 3_600_000,
  };
}

const round = (value: number) => Math.round(value * 1e4) / 1e4;
