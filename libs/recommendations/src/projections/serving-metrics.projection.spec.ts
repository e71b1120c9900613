import { projectedEvent, replayScenarios, runProjection } from '@pulse/testing/projection-harness';
import type { DomainEvent } from '@pulse/platform/domain/decider';
import { createServingMetricsProjection, strategyKey } from './serving-metrics.projection';

const at = '2026-11-27T10:00:00.000Z';
const served = (responseId: string, strategy: string, itemIds: string[]): DomainEvent => ({
  type: 'RecommendationsServed',
  data: {
    responseId,
    shopperId: 'u1',
    strategy,
    context: 'home',
    items: itemIds.map((itemId, position) => ({ itemId, position, score: 1 - position / 10 })),
    servedAt: at,
  },
});
const interaction = (type: string, itemId: string, recommendationId?: string, extra: object = {}): DomainEvent => ({
  type,
  data: {
    shopperId: 'u1',
    sessionId: 's1',
    clientEventId: `${type}-${itemId}-${recommendationId}`,
    occurredAt: at,
    itemId,
    ...(recommendationId && { attribution: { recommendationId, position: 0 } }),
    ...extra,
  },
});

function events(list: DomainEvent[]) {
  return list.map((event, i) => projectedEvent(event, { position: BigInt(i + 1), streamId: `s-${i}` }));
}

const scenario = events([
  served('r1', 'personalized', ['a', 'b', 'c']),
  served('r2', 'popular', ['a', 'd']),
  interaction('ShopperViewedItem', 'b', 'r1'),
  interaction('ShopperViewedItem', 'b', 'r1'), // a reload: not a second click
  interaction('ShopperViewedItem', 'd', 'r1'), // not in r1: not credited
  interaction('ShopperAddedItemToCart', 'b', 'r1', { quantity: 1 }),
  interaction('ShopperPurchasedItem', 'b', 'r1', { quantity: 2, unitPrice: 10 }),
  interaction('ShopperViewedItem', 'a'), // no attribution
  interaction('ShopperViewedItem', 'a', 'unknown-response'),
]);

describe('serving metrics projection', () => {
  it('counts responses, impressions and credited outcomes per strategy', async () => {
    const docs = await runProjection(createServingMetricsProjection(), scenario);
    expect(docs.strategy_metrics![strategyKey('recommendation', 'personalized', null)]).toEqual({
      kind: 'recommendation',
      strategy: 'personalized',
      modelVersion: null,
      responses: 1,
      impressions: 3,
      clicks: 1,
      addToCarts: 1,
      purchases: 1,
      revenue: 20,
    });
    expect(docs.strategy_metrics![strategyKey('recommendation', 'popular', null)]).toMatchObject({
      responses: 1,
      impressions: 2,
      clicks: 0,
    });
  });

  it('counts how often each item was shown', async () => {
    const docs = await runProjection(createServingMetricsProjection(), scenario);
    expect(docs.item_exposure).toEqual({
      a: { itemId: 'a', impressions: 2 },
      b: { itemId: 'b', impressions: 1 },
      c: { itemId: 'c', impressions: 1 },
      d: { itemId: 'd', impressions: 1 },
    });
  });

  it('gives the same documents when events are delivered twice', async () => {
    const runs = await replayScenarios(createServingMetricsProjection, scenario);
    expect(runs.eachTwice).toEqual(runs.once);
    expect(runs.sequenceTwice).toEqual(runs.once);
  });
});
