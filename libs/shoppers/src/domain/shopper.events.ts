import { z } from 'zod';
import type { DomainEvent } from '@pulse/platform/domain/decider';
import type { EventDefinition } from '@pulse/platform/events/event-registry';

/**
 * Events of the shopper stream `shopper-<shopperId>`: what one shopper did,
 * as the shop's front end reported it. Type names are the wire contract
 * (docs/events.md); never rename one, add a new type or schema version.
 */

export const MAX_QUERY_LENGTH = 500;
export const MAX_RESULT_ITEM_IDS = 1000;

const id = z.string().min(1).max(200);
const position = z.number().int().nonnegative();

/**
 * What led the shopper to this interaction, so feedback can be credited to
 * the recommendation or search that surfaced the item. Strict objects: a
 * payload naming both a recommendation and a search is ambiguous and refused.
 */
export const attributionSchema = z.union([
  z.strictObject({
    /** The id Pulse returned with the recommendations that were shown. */
    recommendationId: id,
    /** 0-based slot of the item in that list. */
    position,
  }),
  z.strictObject({
    /** The id of the search whose results were shown. */
    searchId: id,
    position: position.optional(),
  }),
]);
export type Attribution = z.infer<typeof attributionSchema>;

/** Fields every interaction carries. */
const interactionSchema = z.object({
  shopperId: id,
  sessionId: id,
  /** The client's id for this event; a retry with the same id is stored once. */
  clientEventId: id,
  /** When it happened, by the client's clock (ISO 8601). */
  occurredAt: z.iso.datetime({ offset: true }),
  attribution: attributionSchema.optional(),
});

const quantity = z.number().int().min(1);

export const shopperSearchedSchema = interactionSchema.extend({
  query: z.string().min(1).max(MAX_QUERY_LENGTH),
  /** The item ids the shopper was shown, best first. */
  resultItemIds: z.array(id).max(MAX_RESULT_ITEM_IDS).optional(),
  /** The facets the shopper had applied, as the shop names them (e.g. `{ "brand": ["Acme"] }`). */
  filters: z.record(z.string(), z.json()).optional(),
});
export type ShopperSearchedData = z.infer<typeof shopperSearchedSchema>;

export const shopperViewedItemSchema = interactionSchema.extend({ itemId: id });
export type ShopperViewedItemData = z.infer<typeof shopperViewedItemSchema>;

export const shopperAddedItemToCartSchema = interactionSchema.extend({ itemId: id, quantity });
export type ShopperAddedItemToCartData = z.infer<typeof shopperAddedItemToCartSchema>;

export const shopperRemovedItemFromCartSchema = interactionSchema.extend({ itemId: id, quantity });
export type ShopperRemovedItemFromCartData = z.infer<typeof shopperRemovedItemFromCartSchema>;

export const shopperPurchasedItemSchema = interactionSchema.extend({
  itemId: id,
  quantity,
  /** Price of one unit as charged, which may differ from the catalog price. */
  unitPrice: z.number().nonnegative(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code: 3 upper-case letters')
    .optional(),
});
export type ShopperPurchasedItemData = z.infer<typeof shopperPurchasedItemSchema>;

export type ShopperSearched = DomainEvent<'ShopperSearched', ShopperSearchedData>;
export type ShopperViewedItem = DomainEvent<'ShopperViewedItem', ShopperViewedItemData>;
export type ShopperAddedItemToCart = DomainEvent<
  'ShopperAddedItemToCart',
  ShopperAddedItemToCartData
>;
export type ShopperRemovedItemFromCart = DomainEvent<
  'ShopperRemovedItemFromCart',
  ShopperRemovedItemFromCartData
>;
export type ShopperPurchasedItem = DomainEvent<'ShopperPurchasedItem', ShopperPurchasedItemData>;

export type ShopperEvent =
  | ShopperSearched
  | ShopperViewedItem
  | ShopperAddedItemToCart
  | ShopperRemovedItemFromCart
  | ShopperPurchasedItem;
export type ShopperEventType = ShopperEvent['type'];

export const shopperSearchedEvent: EventDefinition<ShopperSearchedData> = {
  type: 'ShopperSearched',
  schemaVersion: 1,
  schema: shopperSearchedSchema,
  description: 'The shopper ran a search and, when the shop reports them, was shown these results.',
};

export const shopperViewedItemEvent: EventDefinition<ShopperViewedItemData> = {
  type: 'ShopperViewedItem',
  schemaVersion: 1,
  schema: shopperViewedItemSchema,
  description: "The shopper opened an item's page.",
};

export const shopperAddedItemToCartEvent: EventDefinition<ShopperAddedItemToCartData> = {
  type: 'ShopperAddedItemToCart',
  schemaVersion: 1,
  schema: shopperAddedItemToCartSchema,
  description: 'The shopper put a quantity of an item into the cart.',
};

export const shopperRemovedItemFromCartEvent: EventDefinition<ShopperRemovedItemFromCartData> = {
  type: 'ShopperRemovedItemFromCart',
  schemaVersion: 1,
  schema: shopperRemovedItemFromCartSchema,
  description:
    'The shopper took a quantity of an item out of the cart (as the shop reported it; Pulse may not have seen the add).',
};

export const shopperPurchasedItemEvent: EventDefinition<ShopperPurchasedItemData> = {
  type: 'ShopperPurchasedItem',
  schemaVersion: 1,
  schema: shopperPurchasedItemSchema,
  description: 'The shopper bought a quantity of an item (one event per order line).',
};

/** Every shopper event, for `EventRegistry.registerAll`. */
export const shopperEventDefinitions = [
  shopperSearchedEvent,
  shopperViewedItemEvent,
  shopperAddedItemToCartEvent,
  shopperRemovedItemFromCartEvent,
  shopperPurchasedItemEvent,
] as const satisfies readonly EventDefinition<any>[];
