import type { Decider } from '@pulse/platform/domain/decider';
import { DomainRuleViolation } from '@pulse/platform/domain/domain-rule-violation';
import type { ItemEvent, ItemFields } from './item.events';

/**
 * One catalog item as an event-sourced decider. Pure: the time arrives in
 * every command as `at` (the server's clock when the request came in) and is
 * copied into the events, so the state can show listedAt/updatedAt without
 * reading event metadata.
 */

export const itemStreamId = (itemId: string): string => `item-${itemId}`;

// ---- commands ---------------------------------------------------------------

/** A full PUT of the item: lists it the first time, updates it afterwards. */
export interface ListOrUpdateItem {
  readonly type: 'ListOrUpdateItem';
  readonly data: ItemFields & { readonly at: string };
}

export interface ChangeItemPrice {
  readonly type: 'ChangeItemPrice';
  /** `currency` omitted keeps the item's current one. */
  readonly data: {
    readonly itemId: string;
    readonly price: number;
    readonly currency?: string;
    readonly at: string;
  };
}

export interface ChangeItemStock {
  readonly type: 'ChangeItemStock';
  readonly data: { readonly itemId: string; readonly stock: number; readonly at: string };
}

export interface DelistItem {
  readonly type: 'DelistItem';
  readonly data: { readonly itemId: string; readonly reason?: string; readonly at: string };
}

export type ItemCommand = ListOrUpdateItem | ChangeItemPrice | ChangeItemStock | DelistItem;

// ---- state ------------------------------------------------------------------

interface KnownItem {
  readonly item: ItemFields;
  /** When the item was last listed (a re-listing resets it). */
  readonly listedAt: string;
  /** When anything about it last changed, delisting included. */
  readonly updatedAt: string;
}

export type ItemState =
  | { readonly status: 'unlisted' }
  | ({ readonly status: 'listed' } & KnownItem)
  | ({
      readonly status: 'delisted';
      readonly delistedAt: string;
      readonly delistReason?: string;
    } & KnownItem);

export const initialItemState = (): ItemState => ({ status: 'unlisted' });

// ---- decide -----------------------------------------------------------------

export function decideItem(command: ItemCommand, state: ItemState): ItemEvent[] {
  switch (command.type) {
    case 'ListOrUpdateItem':
      return listOrUpdate(command.data, state);
    case 'ChangeItemPrice':
      return changePrice(command.data, state);
    case 'ChangeItemStock':
      return changeStock(command.data, state);
    case 'DelistItem':
      return delist(command.data, state);
  }
}

function listOrUpdate(data: ListOrUpdateItem['data'], state: ItemState): ItemEvent[] {
  assertItemFields(data);
  const item = pickItemFields(data);
  // A delisted item PUT again comes back: shops withdraw items for a season
  // or while out of range and send them again later under the same id, and
  // refusing would force them to invent a new id and lose the item's history.
  // It is a fresh ItemListed (even if no field changed) so subscribers treat
  // it exactly like a first listing.
  if (state.status !== 'listed') return [{ type: 'ItemListed', data: { ...item, at: data.at } }];
  // PUT is idempotent: a shop re-sending its whole feed must not flood the log.
  if (sameItemFields(state.item, item)) return [];
  return [{ type: 'ItemUpdated', data: { ...item, at: data.at } }];
}

function changePrice(data: ChangeItemPrice['data'], state: ItemState): ItemEvent[] {
  assertPrice(data.price);
  if (data.currency !== undefined) assertCurrency(data.currency);
  const { item } = requireListed(state, data.itemId);
  const currency = data.currency ?? item.currency;
  if (data.price === item.price && currency === item.currency) return [];
  return [
    {
      type: 'ItemPriceChanged',
      data: {
        itemId: item.itemId,
        price: data.price,
        previousPrice: item.price,
        currency,
        previousCurrency: item.currency,
        at: data.at,
      },
    },
  ];
}

function changeStock(data: ChangeItemStock['data'], state: ItemState): ItemEvent[] {
  assertStock(data.stock);
  const { item } = requireListed(state, data.itemId);
  if (data.stock === item.stock) return [];
  return [
    {
      type: 'ItemStockChanged',
      data: { itemId: item.itemId, stock: data.stock, previousStock: item.stock, at: data.at },
    },
  ];
}

function delist(data: DelistItem['data'], state: ItemState): ItemEvent[] {
  if (state.status === 'unlisted') throw itemNotFound(data.itemId);
  // Delisting twice is a retry or a repeated feed, not an error.
  if (state.status === 'delisted') return [];
  return [
    {
      type: 'ItemDelisted',
      data: {
        itemId: state.item.itemId,
        ...(data.reason !== undefined && { reason: data.reason }),
        at: data.at,
      },
    },
  ];
}

// ---- rules ------------------------------------------------------------------

/**
 * Price and stock changes need a live item: on an unknown id they would
 * create half an item, and a delisted item's next ListOrUpdateItem brings
 * its current price and stock anyway.
 */
function requireListed(state: ItemState, itemId: string): Extract<ItemState, { status: 'listed' }> {
  if (state.status === 'unlisted') throw itemNotFound(itemId);
  if (state.status === 'delisted') {
    throw new DomainRuleViolation(
      'item_delisted',
      `Item '${itemId}' is delisted; list it again first`,
      'itemId',
    );
  }
  return state;
}

function itemNotFound(itemId: string): DomainRuleViolation {
  return new DomainRuleViolation(
    'item_not_found',
    `Item '${itemId}' has never been listed`,
    'itemId',
  );
}

function assertItemFields(fields: ItemFields): void {
  if (fields.title.trim() === '') {
    throw new DomainRuleViolation('invalid_title', 'title must not be blank', 'title');
  }
  if (
    fields.categoryPath.length === 0 ||
    fields.categoryPath.some((segment) => segment.trim() === '')
  ) {
    throw new DomainRuleViolation(
      'invalid_category_path',
      'categoryPath must list at least one category, root first, none blank',
      'categoryPath',
    );
  }
  assertPrice(fields.price);
  assertCurrency(fields.currency);
  assertStock(fields.stock);
}

function assertPrice(price: number): void {
  if (!Number.isFinite(price) || price < 0) {
    throw new DomainRuleViolation(
      'invalid_price',
      `price must be a number >= 0, got ${price}`,
      'price',
    );
  }
}

function assertCurrency(currency: string): void {
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new DomainRuleViolation(
      'invalid_currency',
      `currency must be an ISO 4217 code (3 upper-case letters), got '${currency}'`,
      'currency',
    );
  }
}

function assertStock(stock: number): void {
  if (!Number.isInteger(stock) || stock < 0) {
    throw new DomainRuleViolation(
      'invalid_stock',
      `stock must be an integer >= 0, got ${stock}`,
      'stock',
    );
  }
}

/** Copies only the item's own fields, so stray command properties never reach an event. */
function pickItemFields(source: ItemFields): ItemFields {
  return {
    itemId: source.itemId,
    title: source.title,
    description: source.description,
    categoryPath: [...source.categoryPath],
    brand: source.brand,
    price: source.price,
    currency: source.currency,
    stock: source.stock,
    attributes: { ...source.attributes },
    ...(source.imageUrl !== undefined && { imageUrl: source.imageUrl }),
  };
}

function sameItemFields(a: ItemFields, b: ItemFields): boolean {
  return (
    a.itemId === b.itemId &&
    a.title === b.title &&
    a.description === b.description &&
    a.brand === b.brand &&
    a.price === b.price &&
    a.currency === b.currency &&
    a.stock === b.stock &&
    a.imageUrl === b.imageUrl &&
    a.categoryPath.length === b.categoryPath.length &&
    a.categoryPath.every((segment, i) => segment === b.categoryPath[i]) &&
    sameAttributes(a.attributes, b.attributes)
  );
}

/** Key order doesn't matter: feeds serialise attributes in any order. */
function sameAttributes(a: ItemFields['attributes'], b: ItemFields['attributes']): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key])
  );
}

// ---- evolve -----------------------------------------------------------------

export function evolveItem(state: ItemState, event: ItemEvent): ItemState {
  // decide never emits an event that doesn't fit the state it was decided
  // on; should the log hold one anyway, skipping it keeps replay total.
  switch (event.type) {
    case 'ItemListed':
      return {
        status: 'listed',
        item: pickItemFields(event.data),
        listedAt: event.data.at,
        updatedAt: event.data.at,
      };
    case 'ItemUpdated':
      if (state.status !== 'listed') return state;
      return { ...state, item: pickItemFields(event.data), updatedAt: event.data.at };
    case 'ItemPriceChanged':
      if (state.status !== 'listed') return state;
      return {
        ...state,
        item: { ...state.item, price: event.data.price, currency: event.data.currency },
        updatedAt: event.data.at,
      };
    case 'ItemStockChanged':
      if (state.status !== 'listed') return state;
      return {
        ...state,
        item: { ...state.item, stock: event.data.stock },
        updatedAt: event.data.at,
      };
    case 'ItemDelisted':
      if (state.status !== 'listed') return state;
      return {
        status: 'delisted',
        item: state.item,
        listedAt: state.listedAt,
        updatedAt: event.data.at,
        delistedAt: event.data.at,
        ...(event.data.reason !== undefined && { delistReason: event.data.reason }),
      };
  }
}

export const itemDecider: Decider<ItemState, ItemCommand, ItemEvent> = {
  initialState: initialItemState,
  evolve: evolveItem,
  decide: decideItem,
};

// ---- view -------------------------------------------------------------------

/** The public JSON of an item (`GET /v1/items/:id`). */
export interface ItemView {
  readonly id: string;
  readonly status: 'active' | 'delisted';
  readonly title: string;
  readonly description: string;
  readonly categoryPath: string[];
  readonly brand: string;
  readonly price: number;
  readonly currency: string;
  readonly stock: number;
  readonly attributes: Record<string, string | number | boolean>;
  readonly imageUrl?: string;
  readonly listedAt: string;
  readonly updatedAt: string;
  readonly delistedAt?: string;
  readonly delistReason?: string;
}

/** null for an item that was never listed (the HTTP layer answers 404). */
export function itemView(state: ItemState): ItemView | null {
  if (state.status === 'unlisted') return null;
  const { itemId, ...fields } = state.item;
  const view: ItemView = {
    id: itemId,
    status: state.status === 'listed' ? 'active' : 'delisted',
    ...fields,
    categoryPath: [...fields.categoryPath],
    attributes: { ...fields.attributes },
    listedAt: state.listedAt,
    updatedAt: state.updatedAt,
  };
  if (state.status === 'delisted') {
    return {
      ...view,
      delistedAt: state.delistedAt,
      ...(state.delistReason !== undefined && { delistReason: state.delistReason }),
    };
  }
  return view;
}
