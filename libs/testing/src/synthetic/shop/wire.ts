import type { z } from 'zod';
import type { itemWithId } from '@pulse/catalog/http/item.wire-schema';
import type { InteractionWireEvent } from '@pulse/shoppers/http/interaction.wire-schema';

/**
 * What the synthetic shop sends Pulse, typed by the service's own wire
 * schemas so a change there breaks the build here instead of the tests.
 */

/** An entry of `POST /v1/items/batch` (and, without `id`, the body of `PUT /v1/items/:id`). */
export type WireItem = z.infer<typeof itemWithId>;

/** One event of `POST /v1/events`, every defaulted field present. */
export type WireInteraction = InteractionWireEvent;

/**
 * A change to the catalog as the shop's back office would send it. Same
 * shape as the simple generator's (event-stream.generator.ts), so either can
 * feed the same drivers.
 */
export type CatalogChange =
  /** A full PUT: a new item appearing, or an item changed or listed again. */
  | { readonly type: 'put'; readonly item: WireItem }
  | { readonly type: 'price'; readonly itemId: string; readonly price: number }
  | { readonly type: 'stock'; readonly itemId: string; readonly stock: number }
  | { readonly type: 'delist'; readonly itemId: string };

/** The next thing that happens in the shop, in simulated-time order. */
export type ShopEvent =
  | { readonly kind: 'interaction'; readonly at: number; readonly event: WireInteraction }
  | { readonly kind: 'catalog'; readonly at: number; readonly change: CatalogChange };

/** The HTTP request that makes a catalog change. */
export function catalogChangeRequest(change: CatalogChange): {
  method: 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
} {
  switch (change.type) {
    case 'put': {
      const { id, ...body } = change.item;
      return { method: 'PUT', path: `/v1/items/${encodeURIComponent(id)}`, body };
    }
    case 'price':
      return {
        method: 'PATCH',
        path: `/v1/items/${encodeURIComponent(change.itemId)}`,
        body: { price: change.price },
      };
    case 'stock':
      return {
        method: 'PATCH',
        path: `/v1/items/${encodeURIComponent(change.itemId)}`,
        body: { stock: change.stock },
      };
    case 'delist':
      return { method: 'DELETE', path: `/v1/items/${encodeURIComponent(change.itemId)}` };
  }
}

/** The item ids an interaction names (those Pulse checks against the catalog). */
export function itemIdsOf(event: WireInteraction): readonly string[] {
  return event.type === 'search' ? (event.resultItemIds ?? []) : [event.itemId];
}
