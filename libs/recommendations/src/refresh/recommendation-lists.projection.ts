import type { Projection } from '@pulse/platform/projections/projection';
import type { RecommendationsRefreshedData } from './recommendations-refreshed.event';

export const RECOMMENDATION_LISTS = 'recommendation_lists';

/** The latest refreshed list per shopper: what the SSE stream sends first, and what interest shifts compare with. */
export interface RecommendationListDocument extends Record<string, unknown> {
  readonly shopperId: string;
  readonly listId: string;
  readonly trigger: RecommendationsRefreshedData['trigger'];
  readonly strategy: string;
  readonly modelVersion?: string;
  readonly items: RecommendationsRefreshedData['items'];
  readonly topCategories: readonly string[];
  readonly refreshedAt: string;
  readonly refreshes: number;
}

export function createRecommendationListsProjection(): Projection {
  return {
    name: RECOMMENDATION_LISTS,
    readModels: [{ name: RECOMMENDATION_LISTS, indexes: [{ fields: { refreshedAt: -1 } }] }],
    eventTypes: ['RecommendationsRefreshed'],
    async handle(event, tx) {
      const data = event.data as RecommendationsRefreshedData;
      await tx.update<RecommendationListDocument>(RECOMMENDATION_LISTS, data.shopperId, (doc) => ({
        shopperId: data.shopperId,
        listId: data.listId,
        trigger: data.trigger,
        strategy: data.strategy,
        ...(data.modelVersion !== undefined && { modelVersion: data.modelVersion }),
        items: data.items,
        topCategories: data.topCategories,
        refreshedAt: data.refreshedAt,
        refreshes: (doc?.refreshes ?? 0) + 1,
      }));
    },
  };
}
