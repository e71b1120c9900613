import { z } from 'zod';
import type { DomainEvent } from '@pulse/platform/domain/decider';
import type { EventDefinition } from '@pulse/platform/events/event-registry';

/**
 * Events of the item stream `item-<itemId>`: the shop's catalog as Pulse has
 * been told it. Type names are the wire contract (docs/events.md); never
 * rename one, add a new type or a new schema version instead.
 */

/** ISO 4217 alphabetic code, e.g. `EUR`. */
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code: 3 upper-case letters');

/** ISO 8601 date-time; an offset is accepted but Pulse itself writes UTC (`Z`). */
export const isoDateTimeSchema = z.iso.datetime({ offset: true });

export const itemAttributeValueSchema = z.union([z.string(), z.number(), z.boolean()]);

/**
 * Everything the shop says about an item. Reused by the HTTP layer to
 * validate `PUT /v1/items/:id`, so the request and the event can't drift.
 */
export const itemFieldsSchema = z.object({
  itemId: z.string().min(1).max(200),
  title: z.string().min(1).max(500),
  // Many feeds have no description or brand; an empty string says "none"
  // without making every consumer handle a missing key.
  description: z.string().max(20_000),
  /** Root first, e.g. `["Shoes", "Running"]`. */
  categoryPath: z.array(z.string().min(1).max(200)).min(1).max(20),
  brand: z.string().max(200),
  price: z.number().nonnegative(),
  currency: currencySchema,
  stock: z.number().int().nonnegative(),
  attributes: z.record(z.string(), itemAttributeValueSchema),
  // Only web URLs: the value ends up in shop pages (`javascript:` must not).
  imageUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type ItemFields = z.infer<typeof itemFieldsSchema>;

/** `at` is when Pulse accepted the command (the server's clock), so views can show listedAt/updatedAt. */
const at = isoDateTimeSchema;

export const itemListedSchema = itemFieldsSchema.extend({ at });
export type ItemListedData = z.infer<typeof itemListedSchema>;

export const itemUpdatedSchema = itemFieldsSchema.extend({ at });
export type ItemUpdatedData = z.infer<typeof itemUpdatedSchema>;

export const itemPriceChangedSchema = z.object({
  itemId: z.string().min(1),
  price: z.number().nonnegative(),
  previousPrice: z.number().nonnegative(),
  currency: currencySchema,
  // Without it a price change that also switched currency would leave
  // previousPrice in an unknown unit.
  previousCurrency: currencySchema,
  at,
});
export type ItemPriceChangedData = z.infer<typeof itemPriceChangedSchema>;

export const itemStockChangedSchema = z.object({
  itemId: z.string().min(1),
  stock: z.number().int().nonnegative(),
  previousStock: z.number().int().nonnegative(),
  at,
});
export type ItemStockChangedData = z.infer<typeof itemStockChangedSchema>;

export const itemDelistedSchema = z.object({
  itemId: z.string().min(1),
  reason: z.string().max(500).optional(),
  at,
});
export type ItemDelistedData = z.infer<typeof itemDelistedSchema>;

export type ItemListed = DomainEvent<'ItemListed', ItemListedData>;
export type ItemUpdated = DomainEvent<'ItemUpdated', ItemUpdatedData>;
export type ItemPriceChanged = DomainEvent<'ItemPriceChanged', ItemPriceChangedData>;
export type ItemStockChanged = DomainEvent<'ItemStockChanged', ItemStockChangedData>;
export type ItemDelisted = DomainEvent<'ItemDelisted', ItemDelistedData>;

export type ItemEvent =
  ItemListed | ItemUpdated | ItemPriceChanged | ItemStockChanged | ItemDelisted;
export type ItemEventType = ItemEvent['type'];

export const itemListedEvent: EventDefinition<ItemListedData> = {
  type: 'ItemListed',
  schemaVersion: 1,
  schema: itemListedSchema,
  description:
    'An item became available: first listed, or listed again after being delisted. Carries every field.',
};

export const itemUpdatedEvent: EventDefinition<ItemUpdatedData> = {
  type: 'ItemUpdated',
  schemaVersion: 1,
  schema: itemUpdatedSchema,
  description:
    'A listed item was sent again with at least one field changed. Carries every field as it now is.',
};

export const itemPriceChangedEvent: EventDefinition<ItemPriceChangedData> = {
  type: 'ItemPriceChanged',
  schemaVersion: 1,
  schema: itemPriceChangedSchema,
  description: "A listed item's price (and possibly currency) changed on its own.",
};

export const itemStockChangedEvent: EventDefinition<ItemStockChangedData> = {
  type: 'ItemStockChanged',
  schemaVersion: 1,
  schema: itemStockChangedSchema,
  description: "A listed item's stock level changed on its own.",
};

export const itemDelistedEvent: EventDefinition<ItemDelistedData> = {
  type: 'ItemDelisted',
  schemaVersion: 1,
  schema: itemDelistedSchema,
  description: 'An item was withdrawn: it must no longer be recommended or returned by search.',
};

/** Every item event, for `EventRegistry.registerAll`. */
export const itemEventDefinitions = [
  itemListedEvent,
  itemUpdatedEvent,
  itemPriceChangedEvent,
  itemStockChangedEvent,
  itemDelistedEvent,
] as const satisfies readonly EventDefinition<any>[];
