import type {
  ItemListedData,
  ItemPriceChangedData,
  ItemStockChangedData,
  ItemUpdatedData,
} from '@pulse/catalog/domain/item.events';
import type {
  ProjectedEvent,
  Projection,
  ProjectionTransaction,
  ReadModelSpec,
} from '@pulse/platform/projections/projection';
import { listedFacts, UNKNOWN_ITEM_FACTS } from './item-facts';
import type { ItemStatisticsDocument } from './item-statistics.document';
import {
  resolveItemStatisticsOptions,
  type ItemStatisticsOptions,
  type ResolvedItemStatisticsOptions,
  type StatisticsInteraction,
} from './item-statistics.options';
import { addNeighbours } from './neighbour-list';
import { emptyPopularity, withInteraction } from './popularity';
import {
  entriesBefore,
  ITEM_STATISTICS_SESSIONS,
  sessionKey,
  withSessionItem,
  type SessionList,
  type SessionWindowDocument,
} from './session-window';

export const ITEM_STATISTICS = 'item_statistics';

const interactionOf: Readonly<Record<string, StatisticsInteraction>> = {
  ShopperViewedItem: 'view',
  ShopperAddedItemToCart: 'add_to_cart',
  ShopperPurchasedItem: 'purchase',
};

const readModels: readonly ReadModelSpec[] = [
  {
    name: ITEM_STATISTICS,
    indexes: [
      // "Popular in category X": filter on a category key, order by rank.
      { fields: { categoryKeys: 1, popularityRank: -1 } },
      { fields: { categoryKeys: 1 } },
      { fields: { brand: 1 } },
      { fields: { popularity: -1 } },
      { fields: { popularityRank: -1 } },
      { fields: { trending: -1 } },
    ],
  },
  { name: ITEM_STATISTICS_SESSIONS },
];

/**
 * Item statistics: decayed popularity and trending, conversion rates, and
 * "also viewed / also bought" neighbours from session co-occurrence, one
 * document per item, carrying its own copy of the item facts (see
 * item-facts.ts) so readers can filter by category, brand, status and stock.
 *
 * Searches and cart removals are not listened to: result impressions would
 * fan out to up to 1000 documents per search, and a removal says little
 * about an item's appeal to others.
 */
export function createItemStatisticsProjection(options: ItemStatisticsOptions): Projection {
  const resolved = resolveItemStatisticsOptions(options);
  return {
    name: ITEM_STATISTICS,
    readModels,
    eventTypes: [
      ...Object.keys(interactionOf),
      'ItemListed',
      'ItemUpdated',
      'ItemPriceChanged',
      'ItemStockChanged',
      'ItemDelisted',
    ],
    async handle(event, tx) {
      if (Object.hasOwn(interactionOf, event.type)) {
        return handleInteraction(event, interactionOf[event.type]!, tx, resolved);
      }
      return handleItemEvent(event, tx, resolved);
    },
  };
}

async function handleInteraction(
  event: ProjectedEvent,
  type: StatisticsInteraction,
  tx: ProjectionTransaction,
  options: ResolvedItemStatisticsOptions,
): Promise<void> {
  const { shopperId, sessionId, itemId, occurredAt, quantity } = event.data as {
    shopperId: string;
    sessionId: string;
    itemId: string;
    occurredAt: string;
    quantity?: number;
  };
  const at = Date.parse(occurredAt);
  const counted = (doc: ItemStatisticsDocument | null): ItemStatisticsDocument => {
    const current = currentStatistics(doc, itemId, options);
    return { ...current, ...withInteraction(current, { type, at, occurredAt, quantity }, options) };
  };

  if (type === 'add_to_cart') {
    return tx.update<ItemStatisticsDocument>(ITEM_STATISTICS, itemId, counted);
  }

  const list: SessionList = type === 'view' ? 'viewed' : 'bought';
  const field = type === 'view' ? 'alsoViewed' : 'alsoBought';
  const key = sessionKey(shopperId, sessionId);
  const earlier = entriesBefore(
    await tx.get<SessionWindowDocument>(ITEM_STATISTICS_SESSIONS, key),
    list,
    event.position,
  );
  // Each pair counts once per session: a second view of an item still in the
  // window was already paired with everything around it. Pairs are added to
  // both items with the same weight, so the relation stays symmetric.
  const repeat = earlier.some((entry) => entry.itemId === itemId);
  const partners = repeat ? [] : earlier.map((entry) => entry.itemId);
  const pair = (doc: ItemStatisticsDocument, others: readonly string[]) => ({
    ...doc,
    [field]: addNeighbours(
      doc[field],
      others,
      1,
      at,
      options.neighbourHalfLifeMs,
      options.neighbours,
    ),
  });

  await tx.update<SessionWindowDocument>(ITEM_STATISTICS_SESSIONS, key, (session) =>
    withSessionItem(
      session,
      list,
      { shopperId, sessionId, itemId, at, occurredAt, position: event.position.toString() },
      options.sessionWindow,
    ),
  );
  // One update per document per event: the runner skips a second one.
  await tx.update<ItemStatisticsDocument>(ITEM_STATISTICS, itemId, (doc) =>
    pair(counted(doc), partners),
  );
  for (const partner of partners) {
    await tx.update<ItemStatisticsDocument>(ITEM_STATISTICS, partner, (doc) =>
      pair(currentStatistics(doc, partner, options), [itemId]),
    );
  }
}

async function handleItemEvent(
  event: ProjectedEvent,
  tx: ProjectionTransaction,
  options: ResolvedItemStatisticsOptions,
): Promise<void> {
  const itemId = String(event.data.itemId);
  const update = (reducer: (doc: ItemStatisticsDocument) => ItemStatisticsDocument) =>
    tx.update<ItemStatisticsDocument>(ITEM_STATISTICS, itemId, (doc) =>
      reducer(currentStatistics(doc, itemId, options)),
    );
  switch (event.type) {
    case 'ItemListed':
    case 'ItemUpdated': {
      const facts = listedFacts(event.data as ItemListedData | ItemUpdatedData);
      return update((doc) => ({ ...doc, ...facts }));
    }
    case 'ItemPriceChanged': {
      const { price, currency } = event.data as ItemPriceChangedData;
      return update((doc) => ({ ...doc, price, currency }));
    }
    case 'ItemStockChanged': {
      const { stock } = event.data as ItemStockChangedData;
      return update((doc) => ({ ...doc, inStock: stock > 0 }));
    }
    case 'ItemDelisted':
      return update((doc) => ({ ...doc, status: 'delisted' }));
  }
}

/**
 * The document to change: the stored one, or an empty one for an item seen
 * for the first time. `scoring` is rewritten every time so it always names
 * the settings of the latest change (changing a half-life calls for a
 * rebuild, which rewrites them all).
 */
function currentStatistics(
  doc: ItemStatisticsDocument | null,
  itemId: string,
  options: ResolvedItemStatisticsOptions,
): ItemStatisticsDocument {
  const scoring = {
    popularityHalfLifeMs: options.popularityHalfLifeMs,
    trendingShortHalfLifeMs: options.trendingShortHalfLifeMs,
    trendingLongHalfLifeMs: options.trendingLongHalfLifeMs,
    neighbourHalfLifeMs: options.neighbourHalfLifeMs,
    trendingSmoothing: options.trendingSmoothing,
  };
  if (doc) return { ...doc, scoring };
  return {
    itemId,
    scoring,
    ...UNKNOWN_ITEM_FACTS,
    ...emptyPopularity(options),
    alsoViewed: [],
    alsoBought: [],
  };
}
