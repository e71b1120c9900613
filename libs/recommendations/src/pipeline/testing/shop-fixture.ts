import type { ItemEvent, ItemFields } from '@pulse/catalog/domain/item.events';
import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import {
  CATALOG_ITEMS,
  createCatalogItemsProjection,
} from '@pulse/catalog/projections/catalog-items.projection';
import type { DomainEvent } from '@pulse/platform/domain/decider';
import type { ShopperEvent } from '@pulse/shoppers/domain/shopper.events';
import type { ShopperProfileDocument } from '@pulse/shoppers/projections/shopper-profile.document';
import {
  createShopperProfileProjection,
  SHOPPER_PROFILES,
} from '@pulse/shoppers/projections/shopper-profile.projection';
import { ProjectionHarness, toProjectedEvents } from '@pulse/testing';
import type { ItemStatisticsDocument } from '../../projections/item-statistics.document';
import {
  createItemStatisticsProjection,
  ITEM_STATISTICS,
} from '../../projections/item-statistics.projection';
import { InMemoryRecommendationData } from './in-memory-recommendation-data';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export type ItemSpec = Pick<ItemFields, 'itemId' | 'categoryPath'> & Partial<ItemFields>;

export interface Shop {
  readonly data: InMemoryRecommendationData;
  readonly catalog: ReadonlyMap<string, CatalogItemDocument>;
  readonly statistics: ReadonlyMap<string, ItemStatisticsDocument>;
  profile(shopperId: string): ShopperProfileDocument | null;
}

/**
 * A shop built the way production builds it: domain events run through the
 * real catalog, item-statistics and shopper-profile projections, so the
 * pipeline is tested on read models exactly as they come out of the log
 * (decayed scores, neighbour lists, encoded keys), not on hand-made ones.
 * Events are applied in time order (stable for equal times).
 */
export class ShopFixture {
  private readonly events: { at: number; event: DomainEvent }[] = [];
  private clientEvents = 0;

  list(spec: ItemSpec, at: number): this {
    const fields: ItemFields = {
      title: `Item ${spec.itemId}`,
      description: '',
      brand: '',
      price: 50,
      currency: 'EUR',
      stock: 10,
      attributes: {},
      ...spec,
    };
    return this.push(at, { type: 'ItemListed', data: { ...fields, at: iso(at) } } as ItemEvent);
  }

  stock(itemId: string, stock: number, previousStock: number, at: number): this {
    return this.push(at, {
      type: 'ItemStockChanged',
      data: { itemId, stock, previousStock, at: iso(at) },
    } as ItemEvent);
  }

  delist(itemId: string, at: number): this {
    return this.push(at, { type: 'ItemDelisted', data: { itemId, at: iso(at) } } as ItemEvent);
  }

  view(shopperId: string, itemId: string, at: number, sessionId = `${shopperId}-s`): this {
    return this.interaction('ShopperViewedItem', shopperId, sessionId, at, { itemId });
  }

  addToCart(shopperId: string, itemId: string, at: number, sessionId = `${shopperId}-s`): this {
    return this.interaction('ShopperAddedItemToCart', shopperId, sessionId, at, {
      itemId,
      quantity: 1,
    });
  }

  purchase(
    shopperId: string,
    itemId: string,
    at: number,
    unitPrice: number,
    sessionId = `${shopperId}-s`,
  ): this {
    return this.interaction('ShopperPurchasedItem', shopperId, sessionId, at, {
      itemId,
      quantity: 1,
      unitPrice,
    });
  }

  /** One session viewing `itemIds` a minute apart from `start`. */
  viewSession(
    shopperId: string,
    sessionId: string,
    itemIds: readonly string[],
    start: number,
  ): this {
    itemIds.forEach((itemId, i) => this.view(shopperId, itemId, start + i * MINUTE, sessionId));
    return this;
  }

  async build(): Promise<Shop> {
    const ordered = this.events
      .map((entry, index) => ({ ...entry, index }))
      .sort((a, b) => a.at - b.at || a.index - b.index)
      .map(({ event }) => event);
    const projected = toProjectedEvents(ordered);
    const [catalog, statistics, profiles] = await Promise.all([
      new ProjectionHarness(createCatalogItemsProjection()).apply(projected),
      new ProjectionHarness(
        createItemStatisticsProjection({
          popularityHalfLifeMs: 7 * DAY,
          trendingShortHalfLifeMs: DAY,
          trendingLongHalfLifeMs: 14 * DAY,
          neighbours: 20,
          sessionWindow: 20,
        }),
      ).apply(projected),
      new ProjectionHarness(createShopperProfileProjection({ halfLifeMs: 14 * DAY })).apply(
        projected,
      ),
    ]);
    const catalogDocs = catalog.documents<CatalogItemDocument>(CATALOG_ITEMS);
    const statisticsDocs = statistics.documents<ItemStatisticsDocument>(ITEM_STATISTICS);
    const profileDocs = profiles.documents<ShopperProfileDocument>(SHOPPER_PROFILES);
    return {
      data: new InMemoryRecommendationData({
        catalog: Object.values(catalogDocs),
        statistics: Object.values(statisticsDocs),
      }),
      catalog: new Map(Object.entries(catalogDocs)),
      statistics: new Map(Object.entries(statisticsDocs)),
      profile: (shopperId) => profileDocs[shopperId] ?? null,
    };
  }

  private interaction(
    type: ShopperEvent['type'],
    shopperId: string,
    sessionId: string,
    at: number,
    data: Record<string, unknown>,
  ): this {
    return this.push(at, {
      type,
      data: {
        shopperId,
        sessionId,
        clientEventId: `c-${++this.clientEvents}`,
        occurredAt: iso(at),
        ...data,
      },
    } as ShopperEvent);
  }

  private push(at: number, event: DomainEvent): this {
    this.events.push({ at, event });
    return this;
  }
}

export const iso = (ms: number): string => new Date(ms).toISOString();
