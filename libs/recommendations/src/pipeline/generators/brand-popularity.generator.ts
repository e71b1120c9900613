import type { CandidateGenerator, GeneratorInput } from '../candidates/candidate-generator';
import { keepTopItems, shareOf } from '../candidates/candidate-pool';
import { relativePopularity } from './popular-in-scope';

/** Popular in-stock items of the shopper's top brands, weighted by the interest in each brand. */
export const brandPopularityGenerator: CandidateGenerator = {
  name: 'brand_popularity',
  async generate({ data, now, interest, budget, settings }: GeneratorInput) {
    const top = interest.topBrands(settings.topBrands);
    const total = top.reduce((sum, { weight }) => sum + weight, 0);
    const lists = await Promise.all(
      top.map(async ({ key: brand, weight }) => {
        const limit = shareOf(budget, weight, total);
        const docs = await data.popularItems({ brand, limit, inStockOnly: true });
        return relativePopularity(docs, now).map(({ doc, relative, popularity }) => ({
          itemId: doc.itemId,
          score: weight * relative,
          evidence: { kind: 'brand_popularity' as const, brand, popularity },
        }));
      }),
    );
    return keepTopItems(lists.flat(), budget);
  },
};
