/** What diversification compares items by. */
export interface SimilarityFacts {
  readonly categoryPath: readonly string[];
  readonly brand: string;
}

/**
 * Shared leading levels over the longer path's depth, 0..1:
 * Shoes>Running vs Shoes>Running → 1, vs Shoes>Hiking → 0.5, vs Apparel → 0.
 */
export function categoryPathOverlap(a: readonly string[], b: readonly string[]): number {
  const depth = Math.max(a.length, b.length);
  if (depth === 0) return 0;
  let shared = 0;
  while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
  return shared / depth;
}

/** Category weight in itemSimilarity; the rest is brand. */
export const CATEGORY_SIMILARITY_WEIGHT = 0.75;

/**
 * 0..1: category path overlap (3/4) plus same non-empty brand (1/4). The
 * category dominates because a page of one category looks monotonous even
 * across brands, while one brand across categories does not.
 */
export function itemSimilarity(a: SimilarityFacts, b: SimilarityFacts): number {
  const sameBrand = a.brand !== '' && a.brand === b.brand ? 1 : 0;
  return (
    CATEGORY_SIMILARITY_WEIGHT * categoryPathOverlap(a.categoryPath, b.categoryPath) +
    (1 - CATEGORY_SIMILARITY_WEIGHT) * sameBrand
  );
}
