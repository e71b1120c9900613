import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import type {
  CandidateGenerator,
  GeneratedCandidate,
  GeneratorInput,
} from '../candidates/candidate-generator';
import { keepTopItems } from '../candidates/candidate-pool';
import { contextCategories } from './context-categories';

/**
 * New arrivals (listed within newArrivalMaxAgeMs), for the exploration share:
 * items with little or no interaction history that popularity and
 * co-occurrence cannot surface yet. Newest in the context's categories and
 * the shopper's top categories first, then the newest of the shop; score
 * falls linearly with age over the window, times the scope's weight.
 */
export const newItemsGenerator: CandidateGenerator = {
  name: 'new_items',
  async generate({ data, now, context, interest, budget, settings }: GeneratorInput) {
    const listedAfter = new Date(now - settings.newArrivalMaxAgeMs).toISOString();
    const scopes = [
      ...contextCategories(context, 2).map((key) => ({ key, weight: 1 })),
      ...interest.topCategories(2),
    ];
    const perScope = Math.max(5, Math.ceil(budget / (2 * Math.max(1, scopes.length))));
    const lists = await Promise.all([
      data
        .newestItems({ limit: Math.max(5, Math.ceil(budget / 2)), inStockOnly: true, listedAfter })
        .then((items) => scored(items, 0.5, now, settings.newArrivalMaxAgeMs)),
      ...scopes.map(({ key, weight }) =>
        data
          .newestItems({ categoryKey: key, limit: perScope, inStockOnly: true, listedAfter })
          .then((items) => scored(items, weight, now, settings.newArrivalMaxAgeMs, key)),
      ),
    ]);
    return keepTopItems(lists.flat(), budget);
  },
};

function scored(
  items: readonly CatalogItemDocument[],
  weight: number,
  now: number,
  window: number,
  categoryKey?: string,
): GeneratedCandidate[] {
  return items.map((item) => ({
    itemId: item.itemId,
    score: weight * Math.max(0, 1 - (now - Date.parse(item.listedAt)) / window),
    evidence: {
      kind: 'new_arrival' as const,
      listedAt: item.listedAt,
      ...(categoryKey !== undefined && { categoryKey }),
    },
  }));
}
