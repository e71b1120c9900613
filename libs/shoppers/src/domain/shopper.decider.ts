import type { Decider } from '@pulse/platform/domain/decider';
import { DomainRuleViolation } from '@pulse/platform/domain/domain-rule-violation';
import {
  MAX_QUERY_LENGTH,
  MAX_RESULT_ITEM_IDS,
  type Attribution,
  type ShopperEvent,
  type ShopperEventType,
  type ShopperSearchedData,
} from './shopper.events';

/**
 * One shopper's interactions as an event-sourced decider. Pure: the server's
 * clock (`receivedAt`) and the catalog lookup (`unknownItemIds`) are done by
 * the application and passed in the command.
 */

export const shopperStreamId = (shopperId: string): string => `shopper-${shopperId}`;

// ---- command ----------------------------------------------------------------

export type InteractionKind = 'search' | 'view' | 'add_to_cart' | 'remove_from_cart' | 'purchase';

export interface RecordInteraction {
  readonly type: 'RecordInteraction';
  readonly data: {
    readonly kind: InteractionKind;
    readonly shopperId: string;
    readonly sessionId: string;
    readonly clientEventId: string;
    /** Client clock, ISO 8601. Stored normalised to UTC. */
    readonly occurredAt: string;
    /** Server clock when the request arrived, ISO 8601. */
    readonly receivedAt: string;
    /** How far a client clock may run ahead of the server's before occurredAt is refused. */
    readonly maxClockSkewMs: number;
    /** Required for every kind but `search`. */
    readonly itemId?: string;
    /** `search` only; required there, trimmed. */
    readonly query?: string;
    /** `search` only. */
    readonly resultItemIds?: readonly string[];
    /** `search` only. */
    readonly filters?: ShopperSearchedData['filters'];
    /** Cart and purchase kinds; defaults to 1. */
    readonly quantity?: number;
    /** `purchase` only, required there: the unit price charged. */
    readonly price?: number;
    /** `purchase` only, optional. */
    readonly currency?: string;
    readonly attribution?: Attribution;
    /** Ids the command mentions that the catalog doesn't know (looked up by the application). */
    readonly unknownItemIds: readonly string[];
    /** Refuse the command when unknownItemIds is non-empty, instead of recording it anyway. */
    readonly rejectUnknownItems: boolean;
  };
}

export type ShopperCommand = RecordInteraction;

const eventTypeByKind = {
  search: 'ShopperSearched',
  view: 'ShopperViewedItem',
  add_to_cart: 'ShopperAddedItemToCart',
  remove_from_cart: 'ShopperRemovedItemFromCart',
  purchase: 'ShopperPurchasedItem',
} as const satisfies Record<InteractionKind, ShopperEventType>;

/** The event type a RecordInteraction command records (when it records one). */
export function interactionEventType(command: RecordInteraction): ShopperEventType {
  return eventTypeByKind[command.data.kind];
}

// ---- state ------------------------------------------------------------------

/**
 * The client event ids a stream has recorded, as a persistent set: every
 * state keeps its own view, yet adding to the newest state is O(1). Copying
 * a Set per event made replaying a 10k-event stream take over 4 s.
 *
 * States share one append-only log and each sees its first `size` entries.
 * Extending the newest state appends in place; extending an older one (a
 * branch, e.g. a state kept across a failed append) copies its prefix first,
 * so no state ever observes another's additions.
 */
export class RecordedClientEventIds {
  private constructor(
    private readonly log: string[],
    private readonly positions: Map<string, number>,
    readonly size: number,
  ) {}

  static empty(): RecordedClientEventIds {
    return new RecordedClientEventIds([], new Map(), 0);
  }

  has(clientEventId: string): boolean {
    const position = this.positions.get(clientEventId);
    return position !== undefined && position < this.size;
  }

  with(clientEventId: string): RecordedClientEventIds {
    if (this.has(clientEventId)) return this;
    const isNewest = this.log.length === this.size;
    const log = isNewest ? this.log : this.log.slice(0, this.size);
    const positions = isNewest ? this.positions : new Map(log.map((id, i) => [id, i]));
    log.push(clientEventId);
    positions.set(clientEventId, this.size);
    return new RecordedClientEventIds(log, positions, this.size + 1);
  }
}

export interface ShopperState {
  /**
   * Every client event id recorded, to acknowledge retries without storing
   * them twice. It grows with the stream, which is acceptable: the actor
   * replays the whole stream to build the state anyway, and memory is
   * bounded by the actor cache size (idle shoppers are passivated).
   */
  readonly recordedClientEventIds: RecordedClientEventIds;
  /**
   * itemId → quantity, as far as Pulse has seen. Never negative: removes and
   * purchases of more than Pulse saw added are clamped here, not refused.
   */
  readonly cart: ReadonlyMap<string, number>;
  readonly purchasedItemIds: ReadonlySet<string>;
  readonly interactionCount: number;
  /** The latest occurredAt recorded (UTC ISO); events can arrive out of order, so not necessarily the last one's. */
  readonly lastOccurredAt?: string;
}

export const initialShopperState = (): ShopperState => ({
  recordedClientEventIds: RecordedClientEventIds.empty(),
  cart: new Map(),
  purchasedItemIds: new Set(),
  interactionCount: 0,
});

// ---- decide -----------------------------------------------------------------

export function decideShopper(command: ShopperCommand, state: ShopperState): ShopperEvent[] {
  const data = command.data;
  // First, so a retry is acknowledged even if the world moved on since the
  // original (say the item has been delisted since): the client must get
  // the answer the first attempt got, and that one was stored.
  if (state.recordedClientEventIds.has(data.clientEventId)) return [];

  // Malformed fields first (400), then rules about well-formed input (422).
  const event = buildEvent(data);
  assertNotInFuture(event.data.occurredAt, data);
  assertItemsKnown(data);
  return [event];
}

/** UTC with milliseconds, so stored timestamps compare correctly as text. */
function normaliseOccurredAt(data: RecordInteraction['data']): string {
  const occurredAt = new Date(data.occurredAt);
  if (Number.isNaN(occurredAt.getTime())) {
    throw new DomainRuleViolation(
      'invalid_occurred_at',
      `occurredAt must be an ISO 8601 date-time, got '${data.occurredAt}'`,
      'occurredAt',
      false,
    );
  }
  return occurredAt.toISOString();
}

function assertNotInFuture(occurredAt: string, data: RecordInteraction['data']): void {
  const receivedAt = Date.parse(data.receivedAt);
  // A client clock slightly ahead is normal; one far ahead would plant
  // events in the future of every time-windowed model and read model. Late
  // events are fine: mobile clients buffer while offline.
  if (Date.parse(occurredAt) - receivedAt > data.maxClockSkewMs) {
    throw new DomainRuleViolation(
      'occurred_at_in_future',
      `occurredAt ${data.occurredAt} is more than ${data.maxClockSkewMs} ms after the server time ${data.receivedAt}`,
      'occurredAt',
    );
  }
}

function assertItemsKnown(data: RecordInteraction['data']): void {
  if (!data.rejectUnknownItems || data.unknownItemIds.length === 0) return;
  const shown = data.unknownItemIds
    .slice(0, 10)
    .map((id) => `'${id}'`)
    .join(', ');
  const more =
    data.unknownItemIds.length > 10 ? ` and ${data.unknownItemIds.length - 10} more` : '';
  throw new DomainRuleViolation(
    'unknown_items',
    `Unknown item${data.unknownItemIds.length > 1 ? 's' : ''}: ${shown}${more}`,
    data.kind === 'search' ? 'resultItemIds' : 'itemId',
  );
}

/**
 * Builds the event for the command's kind, checking the fields that kind
 * needs. Fields that belong to other kinds are left out rather than refused:
 * shops send one generic event shape and the extra fields mean nothing here.
 */
function buildEvent(data: RecordInteraction['data']): ShopperEvent {
  const base = {
    shopperId: data.shopperId,
    sessionId: data.sessionId,
    clientEventId: data.clientEventId,
    occurredAt: normaliseOccurredAt(data),
    ...(data.attribution !== undefined && { attribution: data.attribution }),
  };
  switch (data.kind) {
    case 'search':
      return {
        type: 'ShopperSearched',
        data: {
          ...base,
          query: requireQuery(data.query),
          ...(data.resultItemIds !== undefined && {
            resultItemIds: requireResultItemIds(data.resultItemIds),
          }),
          ...(data.filters !== undefined && { filters: { ...data.filters } }),
        },
      };
    case 'view':
      return { type: 'ShopperViewedItem', data: { ...base, itemId: requireItemId(data.itemId) } };
    case 'add_to_cart':
      return {
        type: 'ShopperAddedItemToCart',
        data: {
          ...base,
          itemId: requireItemId(data.itemId),
          quantity: requireQuantity(data.quantity),
        },
      };
    case 'remove_from_cart':
      // Accepted even when Pulse never saw the item added: shops' clients
      // send removes for carts filled before they integrated Pulse, on
      // another device, or with an add Pulse refused. Refusing would only
      // turn a true signal ("not interested after all") into client errors;
      // the state clamps the cart at zero instead.
      return {
        type: 'ShopperRemovedItemFromCart',
        data: {
          ...base,
          itemId: requireItemId(data.itemId),
          quantity: requireQuantity(data.quantity),
        },
      };
    case 'purchase':
      return {
        type: 'ShopperPurchasedItem',
        data: {
          ...base,
          itemId: requireItemId(data.itemId),
          quantity: requireQuantity(data.quantity),
          unitPrice: requirePrice(data.price),
          ...(data.currency !== undefined && { currency: requireCurrency(data.currency) }),
        },
      };
  }
}

function requireItemId(itemId: string | undefined): string {
  if (itemId === undefined || itemId === '') {
    throw new DomainRuleViolation(
      'missing_field',
      'itemId is required for this kind of event',
      'itemId',
      false,
    );
  }
  return itemId;
}

function requireQuery(query: string | undefined): string {
  if (query === undefined) {
    throw new DomainRuleViolation(
      'missing_field',
      'query is required for a search',
      'query',
      false,
    );
  }
  // Stored trimmed so "shoes" and "shoes " count as the same search.
  const trimmed = query.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_QUERY_LENGTH) {
    throw new DomainRuleViolation(
      'invalid_query',
      `query must be 1 to ${MAX_QUERY_LENGTH} characters (after trimming)`,
      'query',
    );
  }
  return trimmed;
}

function requireResultItemIds(ids: readonly string[]): string[] {
  if (ids.length > MAX_RESULT_ITEM_IDS) {
    throw new DomainRuleViolation(
      'too_many_result_items',
      `resultItemIds may list at most ${MAX_RESULT_ITEM_IDS} items, got ${ids.length}`,
      'resultItemIds',
    );
  }
  return [...ids];
}

function requireQuantity(quantity: number | undefined): number {
  // One is what an add-to-cart button means when the client doesn't say.
  const value = quantity ?? 1;
  if (!Number.isInteger(value) || value < 1) {
    throw new DomainRuleViolation(
      'invalid_quantity',
      `quantity must be an integer >= 1, got ${value}`,
      'quantity',
    );
  }
  return value;
}

function requirePrice(price: number | undefined): number {
  if (price === undefined) {
    throw new DomainRuleViolation(
      'missing_field',
      'price is required for a purchase',
      'price',
      false,
    );
  }
  if (!Number.isFinite(price) || price < 0) {
    throw new DomainRuleViolation(
      'invalid_price',
      `price must be a number >= 0, got ${price}`,
      'price',
    );
  }
  return price;
}

function requireCurrency(currency: string): string {
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new DomainRuleViolation(
      'invalid_currency',
      `currency must be an ISO 4217 code (3 upper-case letters), got '${currency}'`,
      'currency',
    );
  }
  return currency;
}

// ---- evolve -----------------------------------------------------------------

export function evolveShopper(state: ShopperState, event: ShopperEvent): ShopperState {
  const { clientEventId, occurredAt } = event.data;
  const next: ShopperState = {
    ...state,
    recordedClientEventIds: state.recordedClientEventIds.with(clientEventId),
    interactionCount: state.interactionCount + 1,
    // Both are UTC ISO strings as written by decide, so they sort as text.
    lastOccurredAt:
      state.lastOccurredAt !== undefined && state.lastOccurredAt > occurredAt
        ? state.lastOccurredAt
        : occurredAt,
  };
  switch (event.type) {
    case 'ShopperSearched':
    case 'ShopperViewedItem':
      return next;
    case 'ShopperAddedItemToCart':
      return { ...next, cart: adjustCart(state.cart, event.data.itemId, event.data.quantity) };
    case 'ShopperRemovedItemFromCart':
      return { ...next, cart: adjustCart(state.cart, event.data.itemId, -event.data.quantity) };
    case 'ShopperPurchasedItem':
      // Bought items leave the cart (checkout empties it line by line).
      return {
        ...next,
        cart: adjustCart(state.cart, event.data.itemId, -event.data.quantity),
        purchasedItemIds: state.purchasedItemIds.has(event.data.itemId)
          ? state.purchasedItemIds
          : new Set(state.purchasedItemIds).add(event.data.itemId),
      };
  }
}

/** Copies the cart (it stays small) with the item's quantity changed, dropping it at or below zero. */
function adjustCart(
  cart: ReadonlyMap<string, number>,
  itemId: string,
  delta: number,
): ReadonlyMap<string, number> {
  const quantity = (cart.get(itemId) ?? 0) + delta;
  if (quantity <= 0 && !cart.has(itemId)) return cart;
  const next = new Map(cart);
  if (quantity > 0) next.set(itemId, quantity);
  else next.delete(itemId);
  return next;
}

export const shopperDecider: Decider<ShopperState, ShopperCommand, ShopperEvent> = {
  initialState: initialShopperState,
  evolve: evolveShopper,
  decide: decideShopper,
};
