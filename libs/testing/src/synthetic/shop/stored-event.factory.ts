import {
  type CommandContext,
  type Envelope,
  eventSourcedBinding,
} from '@pulse/platform/actors/event-sourced-binding';
import type { EventToAppend } from '@pulse/platform/event-store/event-store.port';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import { deterministicUuid, PULSE_UUID_NAMESPACE } from '@pulse/platform/ids/deterministic-uuid';
import {
  type ItemCommand,
  itemDecider,
  type ItemState,
  itemStreamId,
} from '@pulse/catalog/domain/item.decider';
import { itemEventDefinitions } from '@pulse/catalog/domain/item.events';
import { itemWithId } from '@pulse/catalog/http/item.wire-schema';
import {
  type RecordInteraction,
  shopperDecider,
  shopperStreamId,
} from '@pulse/shoppers/domain/shopper.decider';
import { shopperEventDefinitions } from '@pulse/shoppers/domain/shopper.events';
import { interactionWireEvent } from '@pulse/shoppers/http/interaction.wire-schema';
import { SeededRandom } from './random';
import type { SyntheticShop } from './synthetic-shop';
import { type CatalogChange, itemIdsOf, type WireInteraction, type WireItem } from './wire';

/**
 * The events Pulse stores for the shop's requests, built the way the service
 * builds them: the wire schema parses the request (defaults, trimming), the
 * real deciders decide, and `eventSourcedBinding().toStored` gives event ids,
 * payload validation and metadata, with the same binding options as
 * libs/shoppers/src/application/shopper-actors.provider.ts and
 * libs/catalog/src/application/item-actors.provider.ts. What the service
 * draws at random (item event ids, request and correlation ids) comes from a
 * seeded stream instead, so a bulk-written log is reproducible.
 */

/** One event to append, with its stream. */
export interface StreamEvent {
  readonly streamId: string;
  readonly event: EventToAppend;
}

/** The shopper stream's event id, as shopper-actors.provider.ts derives it from the client's id. */
export const shopperEventId = (shopperId: string, clientEventId: string): string =>
  deterministicUuid(PULSE_UUID_NAMESPACE, `${shopperId}/${clientEventId}`);

export interface StoredEventFactoryOptions {
  /** As PULSE_MAX_CLOCK_SKEW_MS. Default 300 000. */
  readonly maxClockSkewMs?: number;
  /**
   * Parse requests with the wire schemas first, as the HTTP layer does
   * (defaults, trimming). Default true. The synthetic shop's wire objects
   * are already complete and trimmed (its specs check them against the
   * schemas), so bulk writers turn it off: it was a fifth of the CPU time.
   */
  readonly parseWire?: boolean;
}

export class StoredEventFactory {
  readonly registry = new EventRegistry()
    .registerAll(itemEventDefinitions)
    .registerAll(shopperEventDefinitions);
  /** Item states, so updates and stock changes decide against the current item, and unknown items are caught. */
  private readonly items = new Map<string, ItemState>();
  private readonly maxClockSkewMs: number;
  private readonly parseWire: boolean;
  private readonly shopperBinding;
  private readonly itemBinding;

  constructor(
    private readonly random: SeededRandom,
    options: StoredEventFactoryOptions = {},
  ) {
    this.maxClockSkewMs = options.maxClockSkewMs ?? 300_000;
    this.parseWire = options.parseWire ?? true;
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

  /**
   * What one `POST /v1/events` carrying `events` stores when it arrives at
   * `receivedAt` (ISO). Throws when Pulse would reject one: the shop only
   * names listed items, so a rejection is a bug in the generator.
   */
  interactions(events: readonly WireInteraction[], receivedAt: string): StreamEvent[] {
    const context = this.context(receivedAt);
    return events.map((wire) => {
      const parsed = this.parseWire ? interactionWireEvent.parse(wire) : wire;
      const { eventId, type, ...fields } = parsed;
      const command: RecordInteraction = {
        type: 'RecordInteraction',
        data: {
          ...fields,
          kind: type,
          clientEventId: eventId,
          receivedAt,
          maxClockSkewMs: this.maxClockSkewMs,
          unknownItemIds: itemIdsOf(parsed).filter(
            (id) => (this.items.get(id)?.status ?? 'unlisted') === 'unlisted',
          ),
          rejectUnknownItems: true,
        },
      };
      const envelope = { command, context };
      // The shopper state matters to decide only for duplicates, and every
      // generated client event id is new, so the initial state decides the
      // same as the real one (keeping a million shoppers' states would not).
      const [event] = this.shopperBinding.decider.decide(envelope, shopperDecider.initialState());
      return {
        streamId: shopperStreamId(parsed.shopperId),
        event: this.shopperBinding.toStored(event!, envelope, 0),
      };
    });
  }

  /** What one `POST /v1/items/batch` stores (nothing for items that are unchanged). */
  listings(items: readonly WireItem[], receivedAt: string): StreamEvent[] {
    const context = this.context(receivedAt);
    return items.flatMap((item) => this.listing(item, context));
  }

  /** What the request that makes `change` (catalogChangeRequest) stores. */
  catalogChange(change: CatalogChange, receivedAt: string): StreamEvent[] {
    const context = this.context(receivedAt);
    const at = receivedAt;
    switch (change.type) {
      case 'put':
        return this.listing(change.item, context);
      case 'price':
        return this.decideItem(
          change.itemId,
          { type: 'ChangeItemPrice', data: { itemId: change.itemId, price: change.price, at } },
          context,
        );
      case 'stock':
        return this.decideItem(
          change.itemId,
          { type: 'ChangeItemStock', data: { itemId: change.itemId, stock: change.stock, at } },
          context,
        );
      case 'delist':
        return this.decideItem(
          change.itemId,
          { type: 'DelistItem', data: { itemId: change.itemId, at } },
          context,
        );
    }
  }

  private listing(item: WireItem, context: CommandContext): StreamEvent[] {
    const { id, ...fields } = this.parseWire ? itemWithId.parse(item) : item;
    return this.decideItem(
      id,
      { type: 'ListOrUpdateItem', data: { ...fields, itemId: id, at: context.receivedAt } },
      context,
    );
  }

  private decideItem(itemId: string, command: ItemCommand, context: CommandContext): StreamEvent[] {
    const envelope: Envelope<ItemCommand> = { command, context };
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

  /** One per request, as requestContext() makes one per HTTP request. */
  private context(receivedAt: string): CommandContext {
    return { correlationId: this.random.uuid(), causationId: this.random.uuid(), receivedAt };
  }
}

export interface StoredStreamOptions {
  /** Interaction events to produce after the initial catalog. */
  readonly events: number;
  /** Events per simulated `POST /v1/events` (one request context each). Default 50. */
  readonly requestBatch?: number;
  /** Items per simulated `POST /v1/items/batch`. Default 1000. */
  readonly itemBatch?: number;
}

/** One simulated request's stored events, with what it carried. */
export interface StoredRequest {
  readonly kind: 'items' | 'interactions' | 'catalog';
  /** Wire items or interactions in the request (1 for a catalog change). */
  readonly count: number;
  readonly events: readonly StreamEvent[];
}

/**
 * The shop's whole log in stored form, request by request, in the order a
 * driver would send them: the initial catalog in batches (an hour before the
 * first visit), then interactions batched as a client sends them, catalog
 * changes in between (each after the interactions that came before it, so a
 * new item is listed before anyone views it). Each request arrives a moment
 * after its last event happened.
 */
export function* storedShopEvents(
  shop: SyntheticShop,
  options: StoredStreamOptions,
): Generator<StoredRequest> {
  const random = new SeededRandom(shop.seed ^ 0x5bd1e995);
  const factory = new StoredEventFactory(random, { parseWire: false });
  const requestBatch = options.requestBatch ?? 50;
  const itemBatch = options.itemBatch ?? 1000;
  const importAt = shop.startAt - 3_600_000;
  for (let i = 0; i < shop.initialItems.length; i += itemBatch) {
    const items = shop.initialItems.slice(i, i + itemBatch);
    yield {
      kind: 'items',
      count: items.length,
      events: factory.listings(items, new Date(importAt + i).toISOString()),
    };
  }
  let pending: WireInteraction[] = [];
  let lastAt = shop.startAt;
  const flush = (): StoredRequest => {
    const receivedAt = new Date(lastAt + 20 + random.int(500)).toISOString();
    const request: StoredRequest = {
      kind: 'interactions',
      count: pending.length,
      events: factory.interactions(pending, receivedAt),
    };
    pending = [];
    return request;
  };
  for (const happening of shop.events(options.events)) {
    if (happening.kind === 'catalog') {
      if (pending.length > 0) yield flush();
      const receivedAt = new Date(happening.at + 20 + random.int(200)).toISOString();
      yield {
        kind: 'catalog',
        count: 1,
        events: factory.catalogChange(happening.change, receivedAt),
      };
      continue;
    }
    pending.push(happening.event);
    lastAt = happening.at;
    if (pending.length >= requestBatch) yield flush();
  }
  if (pending.length > 0) yield flush();
}
