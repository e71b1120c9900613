import type { Projection, ProjectionTransaction } from '@pulse/platform/projections/projection';
import type { RecommendationsServedData, SearchResultsServedData } from '../domain/served.events';

/**
 * How served lists perform, per strategy (and model version): impressions,
 * clicks, carts and purchases credited through the attribution the shop sends
 * back, plus how often each item was shown (for coverage and concentration).
 *
 * An interaction counts for a response only if the item was in it, and at
 * most once per item and kind, so a shopper reloading a product page does not
 * inflate CTR.
 */
export type ServedResponseDocument = {
  readonly kind: 'recommendation' | 'search';
  readonly strategy: string;
  readonly modelVersion: string | null;
  readonly itemIds: readonly string[];
  readonly clicked: readonly string[];
  readonly carted: readonly string[];
  readonly purchased: readonly string[];
  readonly servedAt: string;
};

export type StrategyMetricsDocument = {
  readonly kind: 'recommendation' | 'search';
  readonly strategy: string;
  readonly modelVersion: string | null;
  readonly responses: number;
  /** Items shown, summed over responses. */
  readonly impressions: number;
  readonly clicks: number;
  readonly addToCarts: number;
  readonly purchases: number;
  readonly revenue: number;
};

export type ItemExposureDocument = { readonly itemId: string; readonly impressions: number };

const OUTCOMES = {
  ShopperViewedItem: { list: 'clicked', counter: 'clicks' },
  ShopperAddedItemToCart: { list: 'carted', counter: 'addToCarts' },
  ShopperPurchasedItem: { list: 'purchased', counter: 'purchases' },
} as const;

export function createServingMetricsProjection(): Projection {
  return {
    name: 'serving_metrics',
    readModels: [
      { name: 'served_responses' },
      { name: 'strategy_metrics' },
      { name: 'item_exposure', indexes: [{ fields: { impressions: -1 } }] },
    ],
    eventTypes: ['RecommendationsServed', 'SearchResultsServed', ...Object.keys(OUTCOMES)],
    async handle(event, tx) {
      if (event.type === 'RecommendationsServed' || event.type === 'SearchResultsServed') {
        const kind = event.type === 'RecommendationsServed' ? 'recommendation' : 'search';
        return served(kind, event.data as RecommendationsServedData | SearchResultsServedData, tx);
      }
      const attribution = event.data.attribution as { recommendationId?: string; searchId?: string } | undefined;
      const responseId = attribution?.recommendationId ?? attribution?.searchId;
      if (!responseId) return;
      const outcome = OUTCOMES[event.type as keyof typeof OUTCOMES];
      const revenue = event.type === 'ShopperPurchasedItem' ? event.data.unitPrice * event.data.quantity : 0;
      return credit(responseId, event.data.itemId as string, outcome, revenue, tx);
    },
  };
}

async function served(
  kind: 'recommendation' | 'search',
  data: RecommendationsServedData | SearchResultsServedData,
  tx: ProjectionTransaction,
): Promise<void> {
  const itemIds = data.items.map((item) => item.itemId);
  const modelVersion = data.modelVersion ?? null;
  await tx.update<ServedResponseDocument>('served_responses', data.responseId, () => ({
    kind,
    strategy: data.strategy,
    modelVersion,
    itemIds,
    clicked: [],
    carted: [],
    purchased: [],
    servedAt: data.servedAt,
  }));
  await tx.update<StrategyMetricsDocument>('strategy_metrics', strategyKey(kind, data.strategy, modelVersion), (doc) => ({
    kind,
    strategy: data.strategy,
    modelVersion,
    responses: (doc?.responses ?? 0) + 1,
    impressions: (doc?.impressions ?? 0) + itemIds.length,
    clicks: doc?.clicks ?? 0,
    addToCarts: doc?.addToCarts ?? 0,
    purchases: doc?.purchases ?? 0,
    revenue: doc?.revenue ?? 0,
  }));
  for (const itemId of new Set(itemIds)) {
    await tx.update<ItemExposureDocument>('item_exposure', itemId, (doc) => ({
      itemId,
      impressions: (doc?.impressions ?? 0) + 1,
    }));
  }
}

async function credit(
  responseId: string,
  itemId: string,
  outcome: (typeof OUTCOMES)[keyof typeof OUTCOMES],
  revenue: number,
  tx: ProjectionTransaction,
): Promise<void> {
  const response = await tx.get<ServedResponseDocument>('served_responses', responseId);
  if (!response || !response.itemIds.includes(itemId) || response[outcome.list].includes(itemId)) return;
  await tx.update<ServedResponseDocument>('served_responses', responseId, (doc) => ({
    ...doc!,
    [outcome.list]: [...doc![outcome.list], itemId],
  }));
  const key = strategyKey(response.kind, response.strategy, response.modelVersion);
  await tx.update<StrategyMetricsDocument>('strategy_metrics', key, (doc) => ({
    ...doc!,
    [outcome.counter]: doc![outcome.counter] + 1,
    revenue: doc!.revenue + revenue,
  }));
}

/** One metrics document per kind, strategy and model version. */
export const strategyKey = (kind: string, strategy: string, modelVersion: string | null) =>
  `${kind}:${strategy}:${modelVersion ?? '-'}`.replace(/[.$]/g, '_');
