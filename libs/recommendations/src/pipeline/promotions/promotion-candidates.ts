import type { GeneratedCandidate } from '../candidates/candidate-generator';
import type { RecommendationData } from '../recommendation-data.port';
import type { Promotion } from '../recommendation-request';

const DAY = 86_400_000;

/**
 * Items that may match the promotion, fetched so that promoted slots can be
 * filled even when no generator proposed a matching item (a campaign brand
 * the shopper never looked at). Queried by the most selective criterion
 * given: ids, else each category / brand (popular first), else the newest
 * items, else the most popular; the full filter is applied later, with the
 * other filters, to every candidate.
 */
export async function promotionCandidates(
  promotion: Promotion,
  data: RecommendationData,
  now: number,
  budget: number,
): Promise<GeneratedCandidate[]> {
  const { filter } = promotion;
  const evidence = {
    kind: 'promotion' as const,
    ...(promotion.label !== undefined && { label: promotion.label }),
  };
  const ranked = (ids: readonly string[]) =>
    ids.map((itemId, rank) => ({ itemId, score: 1 / (1 + rank), evidence }));

  if (filter.itemIds?.length) return ranked(filter.itemIds);
  const listedAfter =
    filter.newerThanDays !== undefined
      ? new Date(now - filter.newerThanDays * DAY).toISOString()
      : undefined;
  const scopes: { categoryKey?: string; brand?: string }[] = [];
  for (const categoryKey of filter.categories ?? []) {
    if (filter.brands?.length)
      for (const brand of filter.brands) scopes.push({ categoryKey, brand });
    else scopes.push({ categoryKey });
  }
  if (scopes.length === 0) for (const brand of filter.brands ?? []) scopes.push({ brand });
  if (scopes.length === 0) scopes.push({});

  const perScope = Math.max(10, Math.ceil(budget / scopes.length));
  const lists = await Promise.all(
    scopes.map(async (scope) => {
      const query = { ...scope, limit: perScope, inStockOnly: true };
      if (listedAfter !== undefined) {
        const newest = await data.newestItems({ ...query, listedAfter });
        return newest.map((item) => item.itemId);
      }
      const popular = await data.popularItems(query);
      return popular.map((doc) => doc.itemId);
    }),
  );
  return lists.flatMap(ranked);
}
