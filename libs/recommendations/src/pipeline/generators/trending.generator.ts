import type { CandidateGenerator, GeneratorInput } from '../candidates/candidate-generator';
import { keepTopItems, shareOf } from '../candidates/candidate-pool';
import { trendingCandidates } from './trending-items';

/** How many of the shopper's top categories get their own trending list. */
const TRENDING_CATEGORIES = 2;

/**
 * Trending items: half the budget from the whole shop, half from the
 * shopper's top categories (weighted by interest), so a trend in a category
 * the shopper likes beats a slightly stronger one elsewhere.
 */
export const trendingGenerator: CandidateGenerator = {
  name: 'trending',
  async generate({ data, now, interest, budget }: GeneratorInput) {
    const half = Math.max(5, Math.ceil(budget / 2));
    const top = interest.topCategories(TRENDING_CATEGORIES);
    const total = top.reduce((sum, { weight }) => sum + weight, 0);
    const lists = await Promise.all([
      trendingCandidates(data, now, half, 0.5),
      ...top.map(({ key, weight }) =>
        trendingCandidates(data, now, shareOf(half, weight, total), weight, key),
      ),
    ]);
    return keepTopItems(lists.flat(), budget);
  },
};
