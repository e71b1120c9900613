import type { CandidateGenerator, GeneratorInput } from '../candidates/candidate-generator';
import { keepTopItems, shareOf } from '../candidates/candidate-pool';
import { popularInCategory } from './popular-in-scope';

/**
 * Popular items in the shopper's top categories, at the deepest informative
 * level (ShopperInterest.topCategories), each category's share of the budget
 * and its items' scores in proportion to the shopper's interest in it.
 */
export const categoryPopularityGenerator: CandidateGenerator = {
  name: 'category_popularity',
  async generate({ data, now, interest, budget, settings }: GeneratorInput) {
    const top = interest.topCategories(settings.topCategories);
    const total = top.reduce((sum, { weight }) => sum + weight, 0);
    const lists = await Promise.all(
      top.map(async ({ key, weight }) =>
        (await popularInCategory(data, key, shareOf(budget, weight, total), now)).map((entry) => ({
          itemId: entry.doc.itemId,
          score: weight * entry.relative,
          evidence: {
            kind: 'category_popularity' as const,
            categoryKey: entry.categoryKey,
            basis: 'interest' as const,
            popularity: entry.popularity,
          },
        })),
      ),
    );
    return keepTopItems(lists.flat(), budget);
  },
};
