import type { ProjectedEvent, Projection } from '@pulse/platform/projections/projection';
import type {
  ItemListedData,
  ItemPriceChangedData,
  ItemUpdatedData,
} from '@pulse/catalog/domain/item.events';
import type { InteractionKind } from '../domain/shopper.decider';
import type { ShopperEventType } from '../domain/shopper.events';
import type { ShopperProfileDocument } from './shopper-profile.document';
import {
  delisted,
  factsFromItem,
  SHOPPER_PROFILE_ITEMS,
  withPrice,
  type ProfileItemFacts,
} from './shopper-profile-items';
import {
  resolveShopperProfileOptions,
  type ShopperProfileOptions,
} from './shopper-profile.options';
import { applyInteraction, type ProfileInteraction } from './shopper-profile.reducer';

export const SHOPPER_PROFILES = 'shopper_profiles';

const kindOf: Readonly<Record<ShopperEventType, InteractionKind>> = {
  ShopperSearched: 'search',
  ShopperViewedItem: 'view',
  ShopperAddedItemToCart: 'add_to_cart',
  ShopperRemovedItemFromCart: 'remove_from_cart',
  ShopperPurchasedItem: 'purchase',
};

// Stock changes don't matter to interest; leaving the type out means the
// runner doesn't even hand them over.
const ITEM_EVENT_TYPES = ['ItemListed', 'ItemUpdated', 'ItemPriceChanged', 'ItemDelisted'];

/**
 * Shopper profiles: decayed interest per category, brand, search term and
 * price band, plus recent interactions, cart, purchases and the current
 * session, one document per shopper. Item events keep the projection's own
 * item facts (see shopper-profile-items.ts for why not the catalog's).
 */
export function createShopperProfileProjection(options: ShopperProfileOptions): Projection {
  const resolved = resolveShopperProfileOptions(options);
  return {
    name: SHOPPER_PROFILES,
    readModels: [{ name: SHOPPER_PROFILES }, { name: SHOPPER_PROFILE_ITEMS }],
    eventTypes: [...Object.keys(kindOf), ...ITEM_EVENT_TYPES],
    async handle(event, tx) {
      if (Object.hasOwn(kindOf, event.type)) {
        const interaction = toInteraction(event);
        const item = interaction.itemId
          ? await tx.get<ProfileItemFacts>(SHOPPER_PROFILE_ITEMS, interaction.itemId)
          : null;
        const context = { item, recordedAt: event.recordedAt.toISOString() };
        return tx.update<ShopperProfileDocument>(SHOPPER_PROFILES, interaction.shopperId, (doc) =>
          applyInteraction(doc, interaction, context, resolved),
        );
      }
      const itemId = String(event.data.itemId);
      switch (event.type) {
        case 'ItemListed':
        case 'ItemUpdated': {
          const facts = factsFromItem(event.data as ItemListedData | ItemUpdatedData);
          return tx.update<ProfileItemFacts>(SHOPPER_PROFILE_ITEMS, itemId, () => facts);
        }
        case 'ItemPriceChanged':
          return tx.update<ProfileItemFacts>(SHOPPER_PROFILE_ITEMS, itemId, (facts) =>
            withPrice(facts, event.data as ItemPriceChangedData),
          );
        case 'ItemDelisted':
          return tx.update<ProfileItemFacts>(SHOPPER_PROFILE_ITEMS, itemId, delisted);
      }
    },
  };
}

function toInteraction(event: ProjectedEvent): ProfileInteraction {
  const data = event.data;
  return {
    type: kindOf[event.type as ShopperEventType],
    shopperId: data.shopperId,
    sessionId: data.sessionId,
    occurredAt: data.occurredAt,
    ...(typeof data.itemId === 'string' && { itemId: data.itemId }),
    ...(typeof data.query === 'string' && { query: data.query }),
    ...(typeof data.quantity === 'number' && { quantity: data.quantity }),
    ...(typeof data.unitPrice === 'number' && { unitPrice: data.unitPrice }),
    ...(typeof data.currency === 'string' && { currency: data.currency }),
  };
}
