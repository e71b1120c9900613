import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ExpectedRevision } from '@pulse/platform/event-store/event-store.port';
import {
  SqliteEventStore,
  type StreamAppend,
} from '@pulse/platform/event-store/sqlite-event-store.adapter';
import { storedShopEvents, type StreamEvent } from './shop/stored-event.factory';
import type { SyntheticShop } from './shop/synthetic-shop';

/**
 * Bulk set-up of a large shop: writes the shop's catalog and traffic straight
 * into the embedded event store, exactly as the service would have stored
 * them (see storedShopEvents), without HTTP, actors or projections. Start
 * Pulse on the data directory afterwards and its projections build the read
 * models from the log. Pulse must not be running on it meanwhile: its actors
 * would not see these writes.
 */

export interface WriteDirectOptions {
  /** Interaction events to write after the initial catalog. */
  readonly events: number;
  /** Events per simulated `POST /v1/events` (they share a request context). Default 50. */
  readonly requestBatch?: number;
  /** Items per simulated `POST /v1/items/batch`. Default 1000. */
  readonly itemBatch?: number;
  /** Stored events per `appendMany` transaction. Default 5000. */
  readonly chunk?: number;
  readonly onProgress?: (progress: WriteDirectProgress) => void;
}

export interface WriteDirectProgress {
  readonly items: number;
  readonly interactions: number;
  readonly storedEvents: number;
}

export interface WriteDirectSummary {
  /** Wire items and interactions the shop produced. */
  readonly items: number;
  readonly interactions: number;
  readonly catalogChanges: number;
  /** Events appended, by stream kind. */
  readonly itemEvents: number;
  readonly shopperEvents: number;
  readonly totalEvents: number;
  /** Global position of the last event written. */
  readonly head: bigint;
  /** Simulated time span of the traffic. */
  readonly from: Date;
  readonly to: Date;
  readonly elapsedMs: number;
  /** Stored events per second, generation included. */
  readonly eventsPerSecond: number;
}

/** Opens `<dataDir>/events.db` (created if missing), refuses a non-empty log, writes, closes. */
export async function writeDirect(
  dataDir: string,
  shop: SyntheticShop,
  options: WriteDirectOptions,
): Promise<WriteDirectSummary> {
  mkdirSync(dataDir, { recursive: true });
  // Pulse's page cache setting is for serving; a bulk load of random UUID keys wants more.
  const store = new SqliteEventStore(join(dataDir, 'events.db'), { cacheSizeMb: 128 });
  try {
    return await writeShopToStore(store, shop, options);
  } finally {
    await store.close();
  }
}

/**
 * Writes into an open store, which must be empty: revisions here start every
 * stream afresh, and a log with history would make them conflict.
 */
export async function writeShopToStore(
  store: SqliteEventStore,
  shop: SyntheticShop,
  options: WriteDirectOptions,
): Promise<WriteDirectSummary> {
  if (!Number.isInteger(options.events) || options.events < 0)
    throw new RangeError(`events must be a whole number >= 0, got ${options.events}`);
  const existing = await store.headPosition();
  if (existing >= 0n) {
    throw new Error(
      `${store.filename} already holds events (head position ${existing}); direct writing needs an empty log`,
    );
  }
  const started = Date.now();
  const chunkSize = options.chunk ?? 5000;
  const revisions = new Map<string, bigint>();
  const counts = { items: 0, interactions: 0, catalogChanges: 0, itemEvents: 0, shopperEvents: 0 };
  let pending: StreamEvent[] = [];
  let head = -1n;
  let from: number | undefined;

  const flush = async () => {
    if (pending.length === 0) return;
    const appends: StreamAppend[] = pending.map(({ streamId, event }) => {
      const last = revisions.get(streamId);
      const expected: ExpectedRevision = last === undefined ? 'no_stream' : last;
      revisions.set(streamId, last === undefined ? 0n : last + 1n);
      return { streamId, events: [event], expected };
    });
    const results = await store.appendMany(appends);
    head = results[results.length - 1]!.position;
    pending = [];
    options.onProgress?.({
      items: counts.items,
      interactions: counts.interactions,
      storedEvents: counts.itemEvents + counts.shopperEvents,
    });
  };

  for (const request of storedShopEvents(shop, options)) {
    if (request.kind === 'items') counts.items += request.count;
    else if (request.kind === 'catalog') counts.catalogChanges += request.count;
    else {
      counts.interactions += request.count;
      from ??= Date.parse(request.events[0]!.event.metadata.occurredAt as string);
    }
    for (const stored of request.events) {
      if (stored.streamId.startsWith('shopper-')) counts.shopperEvents++;
      else counts.itemEvents++;
      pending.push(stored);
    }
    if (pending.length >= chunkSize) await flush();
  }
  await flush();
  const elapsedMs = Date.now() - started;
  const totalEvents = counts.itemEvents + counts.shopperEvents;
  return {
    ...counts,
    totalEvents,
    head,
    from: new Date(from ?? shop.startAt),
    to: new Date(shop.now),
    elapsedMs,
    eventsPerSecond: elapsedMs > 0 ? (totalEvents / elapsedMs) * 1000 : 0,
  };
}
