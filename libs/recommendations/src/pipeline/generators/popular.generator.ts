import type { CandidateGenerator, GeneratorInput } from '../candidates/candidate-generator';
import { relativePopularity } from './popular-in-scope';

/**
 * The shop's most popular in-stock items. The whole of the 'popular'
 * baseline strategy, and a fallback in the others so a thin profile or a
 * small category still fills the list.
 */
export const popularGenerator: CandidateGenerator = {
  name: 'popular',
  async generate({ data, now, budget }: GeneratorInput) {
    const docs = await data.popularItems({ limit: budget, inStockOnly: true });
    return relativePopularity(docs, now).map(({ doc, relative, popularity }) => ({
      itemId: doc.itemId,
      score: relative,
      evidence: { kind: 'popularity' as const, popularity },
    }));
  },
};
