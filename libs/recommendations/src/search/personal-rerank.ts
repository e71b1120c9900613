import type { ShopperInterest } from '../pipeline/profile/shopper-interest';

export interface RerankCandidate {
  readonly itemId: string;
  readonly textScore: number;
  readonly categoryKeys: readonly string[];
  readonly brand: string;
  readonly price: number;
  readonly currency: string;
}

export interface RerankedHit extends RerankCandidate {
  readonly score: number;
  /** 0..1: how well the item matches the shopper's interests. */
  readonly personal: number;
  readonly matchedInterest?: { readonly categoryKey?: string; readonly brand?: string };
}

/**
 * Blends text relevance with the shopper's interests. Text scores are
 * normalised to the best hit, so `weight` means the same for every query:
 * at 0.3 a perfect interest match can lift an item past one with up to 30%
 * more text relevance, but never past a much better textual match; the
 * matches are the same as without a shopper, only their order changes.
 */
export function personalRerank(
  candidates: readonly RerankCandidate[],
  interest: ShopperInterest,
  weight: number,
): RerankedHit[] {
  const best = candidates.reduce((max, c) => Math.max(max, c.textScore), 0) || 1;
  return candidates
    .map((candidate) => {
      const category = interest.categoryAffinity(candidate.categoryKeys);
      const brand = candidate.brand ? interest.brandAffinity(candidate.brand) : 0;
      const price = interest.priceAffinity(candidate.price, candidate.currency).value;
      const personal = 0.6 * category.value + 0.25 * brand + 0.15 * price;
      const score = (1 - weight) * (candidate.textScore / best) + weight * personal;
      const matchedInterest =
        category.value > 0 || brand > 0
          ? {
              ...(category.value > 0 && category.categoryKey && { categoryKey: category.categoryKey }),
              ...(brand > 0 && { brand: candidate.brand }),
            }
          : undefined;
      return { ...candidate, score, personal, ...(matchedInterest && { matchedInterest }) };
    })
    .sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
}
