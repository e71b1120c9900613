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
  /** 0..1: how well the item matches the shopper (interest state, and the model when one took part). */
  readonly personal: number;
  /** 0..1: the model's score, min-max normalised over the candidates it scored; absent without a model. */
  readonly model?: number;
  readonly matchedInterest?: { readonly categoryKey?: string; readonly brand?: string };
}

/**
 * Blends text relevance with the shopper's interests. Text scores are
 * normalised to the best hit, so `weight` means the same for every query:
 * at 0.3 a perfect interest match can lift an item past one with up to 30%
 * more text relevance, but never past a much better textual match; the
 * matches are the same as without a shopper, only their order changes.
 *
 * With `modelScores` (the serving model's raw scores after the shopper's
 * history), half of the personal part is the model's score normalised over
 * the candidates; a candidate the model cannot score gets 0 there, as in the
 * recommendation pipeline's model blend.
 */
export function personalRerank(
  candidates: readonly RerankCandidate[],
  interest: ShopperInterest,
  weight: number,
  modelScores?: ReadonlyMap<string, number>,
): RerankedHit[] {
  const best = candidates.reduce((max, c) => Math.max(max, c.textScore), 0) || 1;
  const model = modelScores && normaliser(candidates.flatMap((c) => (modelScores.has(c.itemId) ? [modelScores.get(c.itemId)!] : [])));
  return candidates
    .map((candidate) => {
      const category = interest.categoryAffinity(candidate.categoryKeys);
      const brand = candidate.brand ? interest.brandAffinity(candidate.brand) : 0;
      const price = interest.priceAffinity(candidate.price, candidate.currency).value;
      const fromInterest = 0.6 * category.value + 0.25 * brand + 0.15 * price;
      const raw = modelScores?.get(candidate.itemId);
      const modelValue = model ? (raw === undefined ? 0 : model(raw)) : undefined;
      const personal = modelValue === undefined ? fromInterest : MODEL_SHARE * modelValue + (1 - MODEL_SHARE) * fromInterest;
      const score = (1 - weight) * (candidate.textScore / best) + weight * personal;
      const matchedInterest =
        category.value > 0 || brand > 0
          ? {
              ...(category.value > 0 && category.categoryKey && { categoryKey: category.categoryKey }),
              ...(brand > 0 && { brand: candidate.brand }),
            }
          : undefined;
      return {
        ...candidate,
        score,
        personal,
        ...(modelValue !== undefined && { model: modelValue }),
        ...(matchedInterest && { matchedInterest }),
      };
    })
    .sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
}

/** Share of the personal part the model takes when one took part. */
const MODEL_SHARE = 0.5;

/** Min-max over the values; undefined (no model part) when there are none, 1 for all when they are equal. */
function normaliser(values: readonly number[]): ((v: number) => number) | undefined {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return undefined;
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  return (v) => (!Number.isFinite(v) ? 0 : max > min ? (v - min) / (max - min) : 1);
}
