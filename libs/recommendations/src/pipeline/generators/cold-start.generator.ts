import type { CandidateGenerator, GeneratorInput } from '../candidates/candidate-generator';
import { keepTopItems, shareOf } from '../candidates/candidate-pool';
import { contextCategories } from './context-categories';
import { popularInCategory, relativePopularity } from './popular-in-scope';
import { trendingCandidates } from './trending-items';

/**
 * For shoppers Pulse knows nothing about: popular and trending items of the
 * context. On a product page, the product's own (deepest) category, widened
 * to its parent when small; on the cart page, the categories of the cart
 * lines (their also-bought neighbours come from co_occurrence); at home, the
 * whole shop. Also serves similar items (a product context).
 */
export const coldStartGenerator: CandidateGenerator = {
  name: 'cold_start',
  async generate({ data, now, context, budget }: GeneratorInput) {
    const keys = contextCategories(context);
    if (keys.length === 0) {
      const half = Math.max(5, Math.ceil(budget / 2));
      const [popular, trending] = await Promise.all([
        data.popularItems({ limit: budget, inStockOnly: true }),
        trendingCandidates(data, now, half, 0.5),
      ]);
      const popularCandidates = relativePopularity(popular, now).map(
        ({ doc, relative, popularity }) => ({
          itemId: doc.itemId,
          score: relative,
          evidence: { kind: 'popularity' as const, popularity },
        }),
      );
      return keepTopItems([...popularCandidates, ...trending], budget);
    }
    const perKey = shareOf(budget, 1, keys.length);
    const lists = await Promise.all(
      keys.map(async (key) => {
        const [popular, trending] = await Promise.all([
          popularInCategory(data, key, perKey, now),
          trendingCandidates(data, now, Math.max(5, Math.ceil(perKey / 2)), 0.5, key),
        ]);
        return [
          ...popular.map((entry) => ({
            itemId: entry.doc.itemId,
            score: entry.relative,
            evidence: {
              kind: 'category_popularity' as const,
              categoryKey: entry.categoryKey,
              basis: 'context' as const,
              popularity: entry.popularity,
            },
          })),
          ...trending,
        ];
      }),
    );
    return keepTopItems(lists.flat(), budget);
  },
};
