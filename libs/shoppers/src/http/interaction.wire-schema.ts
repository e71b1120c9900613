import { z } from 'zod';

/**
 * The wire format of POST /v1/events: what a shop's front end sends. Field
 * names are a public contract (README, OpenAPI, client code): add optional
 * fields, never rename. Unknown fields are refused so a typo such as
 * `itemID` fails loudly instead of being dropped.
 */
const id = (what: string) =>
  z
    .string({ error: `must be a string (${what})` })
    .min(1, 'must not be empty')
    .max(128, 'must be at most 128 characters')
    .regex(/^[^\s\p{Cc}]+$/u, 'must not contain spaces or control characters');

const attribution = z.union(
  [
    z.strictObject({
      recommendationId: id('the id of the recommendation response'),
      position: z.number().int().min(0),
    }),
    z.strictObject({
      searchId: id('the id of the search response'),
      position: z.number().int().min(0).optional(),
    }),
  ],
  { error: 'must be {recommendationId, position} or {searchId, position?}' },
);

const common = {
  eventId: z.guid('must be a UUID (the client event id, reused on retries)'),
  shopperId: id('the shopper id'),
  sessionId: id('the session id'),
  occurredAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' }),
  attribution: attribution.optional(),
};
const quantity = z.number().int().min(1).max(10_000);

export const searchWireEvent = z.strictObject({
  ...common,
  type: z.literal('search'),
  query: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
  resultItemIds: z.array(id('an item id')).max(1000, 'at most 1000 ids').optional(),
  filters: z
    .record(z.string().max(64), z.union([z.string().max(200), z.number(), z.boolean(), z.array(z.string().max(200)).max(50)]))
    .refine((f) => Object.keys(f).length <= 50, 'at most 50 filters')
    .optional(),
});
export const viewWireEvent = z.strictObject({ ...common, type: z.literal('view'), itemId: id('an item id') });
export const addToCartWireEvent = z.strictObject({
  ...common,
  type: z.literal('add_to_cart'),
  itemId: id('an item id'),
  quantity: quantity.default(1),
});
export const removeFromCartWireEvent = z.strictObject({
  ...common,
  type: z.literal('remove_from_cart'),
  itemId: id('an item id'),
  quantity: quantity.default(1),
});
export const purchaseWireEvent = z.strictObject({
  ...common,
  type: z.literal('purchase'),
  itemId: id('an item id'),
  quantity: quantity.default(1),
  price: z.number().min(0).max(1e9),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').optional(),
});

export const INTERACTION_TYPES = ['search', 'view', 'add_to_cart', 'remove_from_cart', 'purchase'] as const;

export const interactionWireEvent = z.discriminatedUnion(
  'type',
  [searchWireEvent, viewWireEvent, addToCartWireEvent, removeFromCartWireEvent, purchaseWireEvent],
  { error: `must be one of ${INTERACTION_TYPES.join(', ')}` },
);
export type InteractionWireEvent = z.infer<typeof interactionWireEvent>;

export const eventsRequestBody = z.union([
  interactionWireEvent,
  z.strictObject({ events: z.array(z.unknown()).min(1, 'must hold at least one event') }),
]);

export interface EventResult {
  eventId: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  reason?: string;
  code?: string;
}

export interface EventsResponse {
  results: EventResult[];
  /** Global position (as a string) to pass as `after` for read-your-writes. */
  position: string;
}
