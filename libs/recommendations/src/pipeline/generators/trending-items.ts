import { trendingAt } from '../../projections/popularity';
import type { GeneratedCandidate } from '../candidates/candidate-generator';
import type { RecommendationData } from '../recommendation-data.port';

/**
 * Rising in-stock items (trendingAt(now) > 1: more activity lately than
 * usual), globally or in one category; score log(trending)·weight.
 */
export async function trendingCandidates(
  data: RecommendationData,
  now: number,
  limit: number,
  weight: number,
  categoryKey?: string,
): Promise<GeneratedCandidate[]> {
  const docs = await data.trendingItems({
    ...(categoryKey !== undefined && { categoryKey }),
    limit,
    inStockOnly: true,
    now,
  });
  return docs.flatMap((doc) => {
    const trending = trendingAt(doc, now);
    if (!(trending > 1)) return [];
    return [
      {
        itemId: doc.itemId,
        score: weight * Math.log(trending),
        evidence: {
          kind: 'trending' as const,
          ...(categoryKey !== undefined && { categoryKey }),
          trending,
        },
      },
    ];
  });
}
