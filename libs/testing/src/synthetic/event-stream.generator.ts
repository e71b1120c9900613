import { type Envelope, eventSourcedBinding } from '@pulse/platform/actors/event-sourced-binding';
import type { EventToAppend, ExpectedRevision } from '@pulse/platform/event-store/event-store.port';
import type {
  SqliteEventStore,
  StreamAppend,
} from '@pulse/platform/event-store/sqlite-event-store.adapter';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import { deterministicUuid, PULSE_UUID_NAMESPACE } from '@pulse/platform/ids/deterministic-uuid';
import {
  type ItemCommand,
  itemDecider,
  type ItemState,
  itemStreamId,
} from '@pulse/catalog/domain/item.decider';
import { itemEventDefinitions } from '@pulse/catalog/domain/item.events';
import {
  type RecordInteraction,
  shopperDecider,
  shopperStreamId,
} from '@pulse/shoppers/domain/shopper.decider';
import { shopperEventDefinitions } from '@pulse/shoppers/domain/shopper.events';

/**
 * A seeded synthetic shop for tests and benchmarks: a catalog of items with
 * category paths and brands, shoppers who come back in sessions to search,
 * view, fill and empty carts and buy, and now and then a catalog change.
 * The same seed gives the same shop, byte for byte (ids included), so a
 * failing run can be replayed from the seed it printed.
 *
 * Two outputs of the same stream:
 *  - wire format, for the HTTP API (README "Wire format", PUT/PATCH items);
 *  - stored events, exactly as the service would append them, for writing a
 *    large log straight into a SqliteEventStore (`writeSyntheticLog`).
 */

// ---- randomness -----------------------------------------------------------------

/** mulberry32: tiny and fast; plenty for workloads (not for anything secret). */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), this.state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(values: readonly T[]): T {
    return values[this.int(values.length)]!;
  }

  /**
   * An index in [0, n) skewed towards 0: a few shoppers and items get most
   * of the traffic, as in every real shop. Larger `skew`, steeper head.
   */
  skewedIndex(n: number, skew = 2): number {
    return Math.min(n - 1, Math.floor(n * this.next() ** skew));
  }

  /** A version-4-shaped UUID drawn from this generator (the wire schema checks the shape only). */
  uuid(): string {
    let hex = '';
    for (let i = 0; i < 4; i++)
      hex += ((this.next() * 2 ** 32) >>> 0).toString(16).padStart(8, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

// ---- wire formats -----------------------------------------------------------------

/** Body of `POST /v1/items/batch` entries (and of `PUT /v1/items/:id` without `id`). */
export interface SyntheticItem {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly categoryPath: readonly string[];
  readonly brand: string;
  readonly price: number;
  readonly currency: string;
  readonly stock: number;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

interface WireBase {
  readonly eventId: string;
  readonly shopperId: string;
  readonly sessionId: string;
  readonly occurredAt: string;
}

/** One event of `POST /v1/events`, always with every optional field the service would default. */
export type WireEvent =
  | (WireBase & {
      readonly type: 'search';
      readonly query: string;
      readonly resultItemIds: readonly string[];
      readonly filters?: Readonly<Record<string, string[]>>;
    })
  | (WireBase & { readonly type: 'view'; readonly itemId: string })
  | (WireBase & {
      readonly type: 'add_to_cart' | 'remove_from_cart';
      readonly itemId: string;
      readonly quantity: number;
    })
  | (WireBase & {
      readonly type: 'purchase';
      readonly itemId: string;
      readonly quantity: number;
      readonly price: number;
      readonly currency: string;
    });

/** A change to the catalog as the shop's back office would send it. */
export type CatalogChange =
  | { readonly type: 'price'; readonly itemId: string; readonly price: number }
  | { readonly type: 'stock'; readonly itemId: string; readonly stock: number }
  /** A full PUT with some field changed; lists a delisted item again. */
  | { readonly type: 'put'; readonly item: SyntheticItem }
  | { readonly type: 'delist'; readonly itemId: string };

/** The HTTP request that makes a catalog change. */
export function catalogChangeRequest(change: CatalogChange): {
  method: string;
  path: string;
  body?: unknown;
} {
  switch (change.type) {
    case 'price':
      return { method: 'PATCH', path: `/v1/items/${change.itemId}`, body: { price: change.price } };
    case 'stock':
      return { method: 'PATCH', path: `/v1/items/${change.itemId}`, body: { stock: change.stock } };
    case 'put': {
      const { id, ...body } = change.item;
      return { method: 'PUT', path: `/v1/items/${id}`, body };
    }
    case 'delist':
      return { method: 'DELETE', path: `/v1/items/${change.itemId}` };
  }
}

// ---- the catalog ----------------------------------------------------------------------

/** Root → second level → leaves; brands belong to a root. */
const TAXONOMY: Readonly<
  Record<string, { sub: Record<string, string[]>; brands: string[]; price: [number, number] }>
> = {
  Shoes: {
    sub: {
      Running: ['Trail', 'Road'],
      Casual: ['Sneakers', 'Loafers'],
      Boots: ['Hiking', 'Winter'],
    },
    brands: ['Acme', 'Stride', 'Northpeak', 'Velo'],
    price: [30, 220],
  },
  Clothing: {
    sub: {
      Women: ['Dresses', 'Tops', 'Jackets'],
      Men: ['Shirts', 'Trousers', 'Jackets'],
      Kids: ['Sets'],
    },
    brands: ['Linea', 'Moda', 'Northpeak', 'Basics & Co'],
    price: [8, 180],
  },
  Beauty: {
    sub: {
      'Skin care': ['Serums', 'Creams'],
      Makeup: ['Lips', 'Eyes'],
      Fragrance: ['Eau de parfum'],
    },
    brands: ['Lumière', 'Glow', '花漾'],
    price: [5, 120],
  },
  Home: {
    sub: {
      Lighting: ['Desk lamps', 'Ceiling'],
      Kitchen: ['Coffee', 'Knives'],
      Textiles: ['Bedding'],
    },
    brands: ['Casa', 'Hearth', 'Lumen'],
    price: [6, 400],
  },
  Electronics: {
    sub: {
      Audio: ['Headphones', 'Speakers'],
      Accessories: ['Cables', 'Chargers'],
      Computers: ['Keyboards'],
    },
    brands: ['Voltix', 'Sonora', 'Keyware', ''],
    price: [4, 600],
  },
  Sports: {
    sub: { Outdoor: ['Tents', 'Backpacks'], Fitness: ['Weights', 'Mats'] },
    brands: ['Northpeak', 'Stride', 'Apex'],
    price: [10, 350],
  },
};

const ADJECTIVES = [
  'Classic',
  'Ultra',
  'Light',
  'Pro',
  'Soft',
  'Eco',
  'Compact',
  'Premium',
  'Everyday',
  'Vintage',
];
const COLOURS = ['black', 'white', 'red', 'blue', 'green', 'beige', 'grey'];
/** Queries mix English and Chinese, which the profile tokenises differently. */
const EXTRA_QUERIES = [
  'gift ideas',
  'sale',
  'new arrivals',
  '运动鞋',
  '护肤 精华',
  'usb-c cable',
  'red dress',
];

interface Leaf {
  readonly path: readonly string[];
  readonly root: string;
}

const LEAVES: readonly Leaf[] = Object.entries(TAXONOMY).flatMap(([root, { sub }]) =>
  Object.entries(sub).flatMap(([second, leaves]) =>
    leaves.map((leaf) => ({ root, path: [root, second, leaf] })),
  ),
);
const ROOTS = Object.keys(TAXONOMY);

function makeItem(random: SeededRandom, index: number): SyntheticItem {
  const leaf = random.pick(LEAVES);
  const { brands, price } = TAXONOMY[leaf.root]!;
  const noun = leaf.path[2]!.replace(/s$/, '');
  // Some items stop at the second level: real feeds have uneven depths.
  const categoryPath = random.chance(0.2) ? leaf.path.slice(0, 2) : leaf.path;
  const colour = random.pick(COLOURS);
  return {
    id: `sku-${String(index).padStart(6, '0')}`,
    title: `${random.pick(ADJECTIVES)} ${colour} ${noun}`,
    description: random.chance(0.7) ? `A ${colour} ${noun.toLowerCase()} for every day.` : '',
    categoryPath,
    brand: random.pick(brands),
    price: roundPrice(price[0] + (price[1] - price[0]) * random.next() ** 2),
    // A few shops sell in a second currency; price bands are per currency.
    currency: random.chance(0.05) ? 'USD' : 'EUR',
    stock: random.chance(0.05) ? 0 : random.between(1, 500),
    // Dotted attribute names come from real feeds and need key encoding in documents.
    attributes: random.chance(0.3) ? { colour, 'size.eu': random.between(36, 46) } : { colour },
  };
}

const roundPrice = (value: number) => Math.max(0.01, Math.round(value * 100) / 100);

// ---- shoppers -----------------------------------------------------------------------

interface ShopperState {
  readonly favouriteRoot: string;
  sessions: number;
  /** Interactions left in the current session; 0: the next one starts a new session. */
  left: number;
  viewed: string[];
  readonly cart: Map<string, number>;
}

export interface EventStreamOptions {
  readonly seed: number;
  readonly items?: number;
  readonly shoppers?: number;
  /** Prefix of shopper ids, so several streams (or test runs) never share a shopper. */
  readonly shopperPrefix?: string;
  /**
   * occurredAt of the first event (epoch ms). Time then advances by a random
   * gap per event (mean `meanGapMs`), so the stream is reproducible and lies
   * in the past; Pulse refuses events too far in its future.
   */
  readonly startAt?: number;
  readonly meanGapMs?: number;
}

const DEFAULTS = {
  items: 1000,
  shoppers: 10_000,
  shopperPrefix: 'shopper-',
  startAt: Date.UTC(2026, 0, 1),
  meanGapMs: 200,
} as const;

/**
 * The shop's traffic. `nextEvent()` draws a shopper (skewed: regulars come
 * back), continues or starts their session, and picks an action that makes
 * sense for their state: carts hold what they viewed, purchases what was in
 * the cart, searches show items of a category. `nextCatalogChange()` draws a
 * change that the item decider accepts (never a PATCH of a delisted item).
 */
export class EventStreamGenerator {
  readonly seed: number;
  readonly random: SeededRandom;
  private readonly options: Required<EventStreamOptions>;
  private readonly catalog: SyntheticItem[];
  /** Items as first listed, by root category: browsing and searching use only ids, categories and brands, which never change. */
  private readonly itemsByRoot = new Map<string, SyntheticItem[]>();
  private readonly indexById = new Map<string, number>();
  private readonly delisted = new Set<string>();
  private readonly shoppers = new Map<number, ShopperState>();
  private clock: number;

  constructor(options: EventStreamOptions) {
    this.options = { ...DEFAULTS, ...options };
    this.seed = options.seed;
    this.random = new SeededRandom(options.seed);
    this.clock = this.options.startAt;
    this.catalog = Array.from({ length: this.options.items }, (_, i) => makeItem(this.random, i));
    for (const [index, item] of this.catalog.entries()) {
      this.indexById.set(item.id, index);
      const root = item.categoryPath[0]!;
      if (!this.itemsByRoot.has(root)) this.itemsByRoot.set(root, []);
      this.itemsByRoot.get(root)!.push(item);
    }
  }

  /** The catalog as it is now (after the catalog changes drawn so far). */
  get items(): readonly SyntheticItem[] {
    return this.catalog;
  }

  /** The simulated time of the latest event, epoch ms. */
  get now(): number {
    return this.clock;
  }

  nextEvent(): WireEvent {
    this.clock += Math.round(-Math.log(1 - this.random.next()) * this.options.meanGapMs);
    const index = this.random.skewedIndex(this.options.shoppers);
    const shopper = this.shopper(index);
    if (shopper.left === 0) {
      shopper.sessions++;
      shopper.left = this.random.between(2, 25);
      shopper.viewed = [];
    }
    shopper.left--;
    const base = {
      eventId: this.random.uuid(),
      shopperId: `${this.options.shopperPrefix}${index}`,
      sessionId: `s${index}-${shopper.sessions}`,
      occurredAt: new Date(this.clock).toISOString(),
    };
    const roll = this.random.next();
    if (roll < 0.12) return this.search(base, shopper);
    const inCart = [...shopper.cart.keys()];
    if (roll < 0.2 && inCart.length > 0)
      return this.purchase(base, shopper, this.random.pick(inCart));
    if (roll < 0.24 && inCart.length > 0) {
      const itemId = this.random.pick(inCart);
      const quantity = this.adjustCart(shopper, itemId, -1);
      return { ...base, type: 'remove_from_cart', itemId, quantity };
    }
    if (roll < 0.36 && shopper.viewed.length > 0) {
      const itemId = this.random.pick(shopper.viewed);
      const quantity = this.random.chance(0.8) ? 1 : 2;
      this.adjustCart(shopper, itemId, quantity);
      return { ...base, type: 'add_to_cart', itemId, quantity };
    }
    const item = this.browse(shopper);
    shopper.viewed.push(item.id);
    return { ...base, type: 'view', itemId: item.id };
  }

  /** `count` events, for a `{ "events": [...] }` request. */
  nextBatch(count: number): WireEvent[] {
    return Array.from({ length: count }, () => this.nextEvent());
  }

  nextCatalogChange(): CatalogChange {
    const index = this.random.skewedIndex(this.catalog.length, 1.5);
    const item = this.catalog[index]!;
    const roll = this.random.next();
    let change: CatalogChange;
    if (this.delisted.has(item.id)) {
      // Only a PUT brings a delisted item back; PATCH would be refused.
      change = { type: 'put', item };
      this.delisted.delete(item.id);
    } else if (roll < 0.5) {
      change = {
        type: 'price',
        itemId: item.id,
        price: roundPrice(item.price * (0.8 + 0.4 * this.random.next()) + 0.5),
      };
      this.catalog[index] = { ...item, price: change.price };
    } else if (roll < 0.8) {
      change = {
        type: 'stock',
        itemId: item.id,
        stock: item.stock === 0 ? this.random.between(1, 50) : 0,
      };
      this.catalog[index] = { ...item, stock: change.stock };
    } else if (roll < 0.93) {
      const updated = {
        ...item,
        description: `${item.title}, revised (${this.random.int(10_000)}).`,
      };
      change = { type: 'put', item: updated };
      this.catalog[index] = updated;
    } else {
      change = { type: 'delist', itemId: item.id };
      this.delisted.add(item.id);
    }
    return change;
  }

  private shopper(index: number): ShopperState {
    let shopper = this.shoppers.get(index);
    if (!shopper) {
      shopper = {
        favouriteRoot: this.random.pick(ROOTS),
        sessions: 0,
        left: 0,
        viewed: [],
        cart: new Map(),
      };
      this.shoppers.set(index, shopper);
    }
    return shopper;
  }

  /** Mostly the shopper's favourite department, popular items first; sometimes anything. */
  private browse(shopper: ShopperState): SyntheticItem {
    const pool = this.random.chance(0.7) ? this.itemsByRoot.get(shopper.favouriteRoot) : undefined;
    const items = pool && pool.length > 0 ? pool : this.catalog;
    return items[this.random.skewedIndex(items.length)]!;
  }

  private search(base: WireBase, shopper: ShopperState): WireEvent {
    const item = this.browse(shopper);
    const query = this.random.chance(0.15)
      ? this.random.pick(EXTRA_QUERIES)
      : `${item.categoryPath[item.categoryPath.length - 1]!.toLowerCase()}${item.brand && this.random.chance(0.3) ? ` ${item.brand}` : ''}`;
    const sameRoot = this.itemsByRoot.get(item.categoryPath[0]!)!;
    const results = new Set([item.id]);
    const shown = this.random.between(0, 10);
    for (let i = 0; i < shown; i++) results.add(sameRoot[this.random.int(sameRoot.length)]!.id);
    return {
      ...base,
      type: 'search',
      query,
      resultItemIds: [...results],
      ...(item.brand && this.random.chance(0.1) && { filters: { brand: [item.brand] } }),
    };
  }

  private purchase(base: WireBase, shopper: ShopperState, itemId: string): WireEvent {
    const quantity = shopper.cart.get(itemId)!;
    this.adjustCart(shopper, itemId, -quantity);
    const item = this.catalog[this.indexById.get(itemId)!]!;
    // Sometimes a discount: the charged price is what the profile's price band uses.
    const price = this.random.chance(0.2) ? roundPrice(item.price * 0.9) : item.price;
    return { ...base, type: 'purchase', itemId, quantity, price, currency: item.currency };
  }

  /** Returns the quantity actually moved (a removal takes what is there). */
  private adjustCart(shopper: ShopperState, itemId: string, delta: number): number {
    const had = shopper.cart.get(itemId) ?? 0;
    const next = Math.max(0, had + delta);
    if (next === 0) shopper.cart.delete(itemId);
    else shopper.cart.set(itemId, next);
    return delta > 0 ? delta : Math.max(1, had - next);
  }
}

// ---- stored events ------------------------------------------------------------------

/** One event to append, with its stream. */
export interface StreamEvent {
  readonly streamId: string;
  readonly event: EventToAppend;
}

/** The shopper stream's event id, as shopper-actors.provider.ts derives it from the client's id. */
export const shopperEventId = (shopperId: string, clientEventId: string): string =>
  deterministicUuid(PULSE_UUID_NAMESPACE, `${shopperId}/${clientEventId}`);

/**
 * Turns wire events and catalog changes into the events the service would
 * store: the same deciders, payload validation (the registry's schemas),
 * event ids and metadata as the actor bindings in
 * libs/shoppers/src/application/shopper-actors.provider.ts and
 * libs/catalog/src/application/item-actors.provider.ts, with the request
 * context (correlation ids, receivedAt) drawn from the seeded generator.
 * Item states are tracked so that PATCHes decide against the current item.
 */
export class StoredEventFactory {
  readonly registry = new EventRegistry()
    .registerAll(itemEventDefinitions)
    .registerAll(shopperEventDefinitions);
  private readonly items = new Map<string, ItemState>();
  private readonly shopperBinding;
  private readonly itemBinding;

  constructor(private readonly random: SeededRandom) {
    this.shopperBinding = eventSourcedBinding({
      decider: shopperDecider,
      registry: this.registry,
      streamId: shopperStreamId,
      eventId: (_event, command) =>
        shopperEventId(command.data.shopperId, command.data.clientEventId),
      occurredAt: (_event, command) => new Date(command.data.occurredAt).toISOString(),
      clientEventId: (command) => command.data.clientEventId,
    });
    this.itemBinding = eventSourcedBinding({
      decider: itemDecider,
      registry: this.registry,
      streamId: itemStreamId,
      eventId: () => this.random.uuid(),
    });
  }

  /** The event a `POST /v1/events` of `wire` stores when it arrives at `receivedAt` (ISO). */
  interaction(wire: WireEvent, receivedAt: string): StreamEvent {
    const { eventId, type, ...fields } = wire;
    const command: RecordInteraction = {
      type: 'RecordInteraction',
      data: {
        ...fields,
        kind: type,
        clientEventId: eventId,
        receivedAt,
        maxClockSkewMs: 5 * 60_000,
        unknownItemIds: [],
        rejectUnknownItems: true,
      },
    };
    const envelope = { command, context: this.context(receivedAt) };
    // A fresh state: every generated client event id is new, so nothing is a duplicate.
    const [event] = this.shopperBinding.decider.decide(envelope, shopperDecider.initialState());
    return {
      streamId: shopperStreamId(wire.shopperId),
      event: this.shopperBinding.toStored(event!, envelope, 0),
    };
  }

  /** The item event of listing `item` (PUT / batch import); none when nothing changed. */
  listing(item: SyntheticItem, receivedAt: string): StreamEvent[] {
    const { id, ...fields } = item;
    return this.decideItem(
      id,
      {
        type: 'ListOrUpdateItem',
        data: {
          ...fields,
          categoryPath: [...fields.categoryPath],
          attributes: { ...fields.attributes },
          itemId: id,
          at: receivedAt,
        },
      },
      receivedAt,
    );
  }

  catalogChange(change: CatalogChange, receivedAt: string): StreamEvent[] {
    const at = receivedAt;
    switch (change.type) {
      case 'put':
        return this.listing(change.item, receivedAt);
      case 'price':
        return this.decideItem(
          change.itemId,
          { type: 'ChangeItemPrice', data: { itemId: change.itemId, price: change.price, at } },
          at,
        );
      case 'stock':
        return this.decideItem(
          change.itemId,
          { type: 'ChangeItemStock', data: { itemId: change.itemId, stock: change.stock, at } },
          at,
        );
      case 'delist':
        return this.decideItem(
          change.itemId,
          { type: 'DelistItem', data: { itemId: change.itemId, at } },
          at,
        );
    }
  }

  private decideItem(itemId: string, command: ItemCommand, receivedAt: string): StreamEvent[] {
    const envelope: Envelope<ItemCommand> = { command, context: this.context(receivedAt) };
    let state = this.items.get(itemId) ?? itemDecider.initialState();
    const events = this.itemBinding.decider.decide(envelope, state);
    const stored = events.map((event, i) => {
      state = itemDecider.evolve(state, event);
      return {
        streamId: itemStreamId(itemId),
        event: this.itemBinding.toStored(event, envelope, i),
      };
    });
    this.items.set(itemId, state);
    return stored;
  }

  private context(receivedAt: string) {
    return { correlationId: this.random.uuid(), causationId: this.random.uuid(), receivedAt };
  }
}

// ---- bulk writing ---------------------------------------------------------------------

export interface SyntheticLogOptions {
  /** Interaction events to write (the catalog listing comes on top). */
  readonly events: number;
  /** A catalog change per this many interactions on average (0: none). Default 500. */
  readonly catalogChangeEvery?: number;
  /** Events per `appendMany` transaction. Default 5000. */
  readonly chunk?: number;
  readonly onProgress?: (written: number) => void;
}

export interface SyntheticLogSummary {
  readonly itemEvents: number;
  readonly interactionEvents: number;
  readonly totalEvents: number;
  readonly head: bigint;
}

/**
 * Writes the generator's catalog, then `events` interactions interleaved with
 * catalog changes, straight into `store` (no HTTP), with exact expected
 * revisions per stream. Events are "received" a moment after they occurred.
 */
export async function writeSyntheticLog(
  store: SqliteEventStore,
  generator: EventStreamGenerator,
  options: SyntheticLogOptions,
): Promise<SyntheticLogSummary> {
  // Its own random source: the wire stream stays the one the seed gives over HTTP.
  const random = new SeededRandom(generator.seed ^ 0x5bd1e995);
  const factory = new StoredEventFactory(random);
  const revisions = new Map<string, bigint>();
  const chunkSize = options.chunk ?? 5000;
  const changeEvery = options.catalogChangeEvery ?? 500;
  let pending: StreamEvent[] = [];
  let itemEvents = 0;
  let interactionEvents = 0;
  let head = -1n;

  const flush = async () => {
    if (pending.length === 0) return;
    const appends: StreamAppend[] = pending.map(({ streamId, event }) => {
      const expected: ExpectedRevision = revisions.get(streamId) ?? 'no_stream';
      revisions.set(streamId, expected === 'no_stream' ? 0n : (expected as bigint) + 1n);
      return { streamId, events: [event], expected };
    });
    const results = await store.appendMany(appends);
    head = results[results.length - 1]!.position;
    pending = [];
    options.onProgress?.(itemEvents + interactionEvents);
  };
  const add = async (events: StreamEvent[]) => {
    pending.push(...events);
    if (pending.length >= chunkSize) await flush();
  };

  const listedAt = new Date(generator.now - 60_000).toISOString();
  for (const item of generator.items) {
    const listed = factory.listing(item, listedAt);
    itemEvents += listed.length;
    await add(listed);
  }
  for (let i = 0; i < options.events; i++) {
    if (changeEvery > 0 && random.chance(1 / changeEvery)) {
      const changed = factory.catalogChange(
        generator.nextCatalogChange(),
        new Date(generator.now).toISOString(),
      );
      itemEvents += changed.length;
      await add(changed);
    }
    const wire = generator.nextEvent();
    // Received a little after it happened, as from a client on a real network.
    const receivedAt = new Date(generator.now + random.int(2000)).toISOString();
    interactionEvents++;
    await add([factory.interaction(wire, receivedAt)]);
  }
  await flush();
  return { itemEvents, interactionEvents, totalEvents: itemEvents + interactionEvents, head };
}
