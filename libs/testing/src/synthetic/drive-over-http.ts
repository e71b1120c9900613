import type { EventResult, EventsResponse } from '@pulse/shoppers/http/interaction.wire-schema';
import type { SyntheticShop } from './shop/synthetic-shop';
import {
  type CatalogChange,
  catalogChangeRequest,
  type WireInteraction,
  type WireItem,
} from './shop/wire';

/**
 * Drives a running Pulse with a synthetic shop over its public HTTP API, as
 * a shop's back office and front ends would: the catalog first
 * (`POST /v1/items/batch`), then the shop's traffic (`POST /v1/events` in
 * batches) at a set rate, with catalog changes (new items, stock) as they
 * happen. Node's fetch keeps connections alive, so a run reuses a few sockets.
 *
 * Events are spread over `concurrency` lanes by shopper, each lane sending
 * its batches one after the other: requests run in parallel, yet one
 * shopper's events reach Pulse in the order they happened (a cart before its
 * purchase). A new item is listed before any later event can name it.
 */

export interface DriveOptions {
  /** Pulse base URL, e.g. http://localhost:3000. */
  readonly url: string;
  /** An ingest (or admin) API key. */
  readonly key: string;
  readonly shop: SyntheticShop;
  /** Stop after this many interaction events. At least one of events and durationMs must be set. */
  readonly events?: number;
  /** Stop producing after this long (wall clock). */
  readonly durationMs?: number;
  /** Target interaction events per second; Infinity sends as fast as Pulse answers. Default 200. */
  readonly rate?: number;
  /** Events per `POST /v1/events`. Default 50. */
  readonly batch?: number;
  /** Requests in flight at once. Default 4. */
  readonly concurrency?: number;
  /** Items per `POST /v1/items/batch`. Default 1000 (Pulse's maximum). */
  readonly itemBatch?: number;
  /** Send the initial catalog first. Default true. */
  readonly putCatalog?: boolean;
  /** Send no events (catalog only). */
  readonly catalogOnly?: boolean;
  /**
   * `simulated` (default) sends the shop's own occurredAt; `realtime`
   * stamps each event with the wall clock when it is produced, for a live
   * Pulse whose read models decay towards now.
   */
  readonly timestamps?: 'simulated' | 'realtime';
  /** Retries of a request that failed on the network or with 429/5xx, with the same body (event ids make it safe). Default 3. */
  readonly maxRetries?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DriveProgress) => void;
  /** Every answered events request, for tallies in tests and benchmarks. */
  readonly onEvents?: (events: readonly WireInteraction[], results: readonly EventResult[]) => void;
}

export interface DriveProgress {
  readonly phase: 'catalog' | 'events';
  readonly itemsSent: number;
  readonly itemsTotal: number;
  readonly eventsSent: number;
  /** The target, when known (`events`). */
  readonly eventsTotal?: number;
  readonly accepted: number;
  readonly duplicate: number;
  readonly rejected: number;
  readonly elapsedMs: number;
}

export interface DriveSummary {
  readonly items: {
    sent: number;
    listed: number;
    updated: number;
    unchanged: number;
    rejected: number;
  };
  readonly events: {
    sent: number;
    accepted: number;
    duplicate: number;
    rejected: number;
    byType: Record<string, number>;
    /** Rejections by code (`unknown_items`, `occurred_at_in_future`). */
    rejections: Record<string, number>;
  };
  readonly catalogChanges: number;
  readonly requests: number;
  readonly retries: number;
  readonly catalogMs: number;
  readonly eventsMs: number;
  /** Interaction events per second over the events phase. */
  readonly eventsPerSecond: number;
  /** The highest position Pulse answered: pass as `after` to read everything sent. */
  readonly lastPosition: string;
}

/** A JSON client of one Pulse with retries; shared by the catalog and events phases. */
export class PulseHttpClient {
  requests = 0;
  retries = 0;
  lastPosition = -1n;

  constructor(
    private readonly url: string,
    private readonly key: string,
    private readonly maxRetries = 3,
    private readonly signal?: AbortSignal,
  ) {}

  async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        this.requests++;
        response = await fetch(`${this.url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.key}`,
            ...(payload !== undefined && { 'content-type': 'application/json' }),
          },
          body: payload,
        });
      } catch (error) {
        if (attempt >= this.maxRetries || this.signal?.aborted) {
          throw new Error(
            `${method} ${this.url}${path} failed: ${(error as Error).message} (is Pulse running?)`,
            { cause: error },
          );
        }
        await this.backoff(attempt);
        continue;
      }
      const text = await response.text();
      if (response.ok) {
        const parsed = JSON.parse(text) as T & { position?: string };
        if (parsed.position !== undefined && BigInt(parsed.position) > this.lastPosition)
          this.lastPosition = BigInt(parsed.position);
        return parsed;
      }
      // Overload and server trouble are worth retrying; anything else is the request's fault.
      if (
        (response.status === 429 || response.status >= 500) &&
        attempt < this.maxRetries &&
        !this.signal?.aborted
      ) {
        await this.backoff(attempt);
        continue;
      }
      throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
    }
  }

  private async backoff(attempt: number): Promise<void> {
    this.retries++;
    await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
  }
}

/** Sends `items` in batches over `concurrency` parallel requests. */
export async function putCatalog(
  client: PulseHttpClient,
  items: readonly WireItem[],
  options: {
    itemBatch?: number;
    concurrency?: number;
    onBatch?: (sent: number, results: { status: string }[]) => void;
  } = {},
): Promise<DriveSummary['items']> {
  const size = options.itemBatch ?? 1000;
  const tally = { sent: 0, listed: 0, updated: 0, unchanged: 0, rejected: 0 };
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const batch = items.slice(next, next + size);
      next += batch.length;
      const answer = await client.send<{
        results: { id: string; status: 'listed' | 'updated' | 'unchanged' | 'rejected' }[];
      }>('POST', '/v1/items/batch', { items: batch });
      tally.sent += batch.length;
      for (const r of answer.results) tally[r.status]++;
      options.onBatch?.(tally.sent, answer.results);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return tally;
}

export async function driveOverHttp(options: DriveOptions): Promise<DriveSummary> {
  const rate = options.rate ?? 200;
  const batchSize = options.batch ?? 50;
  const lanes = Math.max(1, options.concurrency ?? 4);
  if (!(rate > 0)) throw new RangeError(`rate must be > 0 events/s, got ${rate}`);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000)
    throw new RangeError(`batch must be 1..1000, got ${batchSize}`);
  if (!options.catalogOnly && options.events === undefined && options.durationMs === undefined) {
    throw new RangeError('set events or durationMs: the shop never runs out of traffic');
  }
  const client = new PulseHttpClient(
    options.url.replace(/\/$/, ''),
    options.key,
    options.maxRetries ?? 3,
    options.signal,
  );
  const { shop } = options;
  const started = Date.now();
  const totals = { accepted: 0, duplicate: 0, rejected: 0, sent: 0 };
  const progress = (phase: DriveProgress['phase'], itemsSent: number) =>
    options.onProgress?.({
      phase,
      itemsSent,
      itemsTotal: shop.initialItems.length,
      eventsSent: totals.sent,
      ...(options.events !== undefined && { eventsTotal: options.events }),
      accepted: totals.accepted,
      duplicate: totals.duplicate,
      rejected: totals.rejected,
      elapsedMs: Date.now() - started,
    });

  const items =
    options.putCatalog === false
      ? { sent: 0, listed: 0, updated: 0, unchanged: 0, rejected: 0 }
      : await putCatalog(client, shop.initialItems, {
          itemBatch: options.itemBatch,
          concurrency: lanes,
          onBatch: (sent) => progress('catalog', sent),
        });
  const catalogMs = Date.now() - started;
  const summary = (
    eventsMs: number,
    catalogChanges: number,
    byType: Record<string, number>,
    rejections: Record<string, number>,
  ): DriveSummary => ({
    items,
    events: { ...totals, byType, rejections },
    catalogChanges,
    requests: client.requests,
    retries: client.retries,
    catalogMs,
    eventsMs,
    eventsPerSecond: eventsMs > 0 ? (totals.sent / eventsMs) * 1000 : 0,
    lastPosition: client.lastPosition.toString(),
  });
  if (options.catalogOnly) return summary(0, 0, {}, {});

  const byType: Record<string, number> = {};
  const rejections: Record<string, number> = {};
  let catalogChanges = 0;
  const eventsStart = Date.now();
  const buffers: WireInteraction[][] = Array.from({ length: lanes }, () => []);
  const tails: Promise<void>[] = Array.from({ length: lanes }, () => Promise.resolve());
  const depth = new Array<number>(lanes).fill(0);
  let failure: unknown;

  const dispatch = (lane: number) => {
    const events = buffers[lane]!;
    if (events.length === 0) return;
    buffers[lane] = [];
    depth[lane]!++;
    tails[lane] = tails[lane]!.then(async () => {
      try {
        if (failure) return;
        const answer = await client.send<EventsResponse>('POST', '/v1/events', { events });
        for (const result of answer.results) {
          totals[result.status]++;
          if (result.status === 'rejected')
            rejections[result.code ?? 'unknown'] = (rejections[result.code ?? 'unknown'] ?? 0) + 1;
        }
        totals.sent += events.length;
        options.onEvents?.(events, answer.results);
        progress('events', items.sent);
      } catch (error) {
        failure ??= error;
      } finally {
        depth[lane]!--;
      }
    });
  };

  let produced = 0;
  const deadline = options.durationMs === undefined ? Infinity : eventsStart + options.durationMs;
  const limit = options.events ?? Infinity;
  while (produced < limit && Date.now() < deadline && !options.signal?.aborted && !failure) {
    // Pace production to the rate: sleep when ahead of schedule by more than a timer tick.
    const dueAt = eventsStart + (produced / rate) * 1000;
    const ahead = dueAt - Date.now();
    if (ahead > 5) await new Promise((resolve) => setTimeout(resolve, ahead));
    const happening = shop.next();
    if (happening.kind === 'catalog') {
      // Applied before anything after it is produced: a new item exists before it is viewed.
      await applyCatalogChange(client, happening.change);
      catalogChanges++;
      continue;
    }
    const event: WireInteraction =
      options.timestamps === 'realtime'
        ? { ...happening.event, occurredAt: new Date().toISOString() }
        : happening.event;
    const lane = laneOf(event.shopperId, lanes);
    buffers[lane]!.push(event);
    byType[event.type] = (byType[event.type] ?? 0) + 1;
    produced++;
    if (buffers[lane]!.length >= batchSize) {
      dispatch(lane);
      // Backpressure: never more than two batches queued per lane.
      if (depth[lane]! > 2) await tails[lane];
    }
  }
  for (let lane = 0; lane < lanes; lane++) dispatch(lane);
  await Promise.all(tails);
  if (failure) throw failure;
  return summary(Date.now() - eventsStart, catalogChanges, byType, rejections);
}

async function applyCatalogChange(client: PulseHttpClient, change: CatalogChange): Promise<void> {
  const { method, path, body } = catalogChangeRequest(change);
  await client.send(method, path, body);
}

/** FNV-1a of the shopper id: a shopper always uses the same lane. */
function laneOf(shopperId: string, lanes: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < shopperId.length; i++) h = Math.imul(h ^ shopperId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}
