import {
  type BeforeApplicationShutdown,
  GatewayTimeoutException,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import { EVENT_STORE, type EventStore, type EventSubscription } from '@pulse/platform/event-store/event-store.port';
import { fieldsOf } from '@pulse/platform/projections/projection';
import { type ProjectionManager, ProjectionWaitTimeoutError } from '@pulse/platform/projections/projection-manager';
import { ProjectionUnavailableError } from '@pulse/platform/projections/projection-runner';
import { PROJECTION_MANAGER, READ_MODELS, type ReadModels } from '@pulse/platform/projections/read-models';
import { SearchIndex } from '../search';

const ITEM_EVENTS = new Set(['ItemListed', 'ItemUpdated', 'ItemPriceChanged', 'ItemStockChanged', 'ItemDelisted']);
const CATALOG = 'catalog_items';

export const SEARCH_INDEX_FEEDER_OPTIONS = Symbol('SEARCH_INDEX_FEEDER_OPTIONS');

export interface SearchIndexFeederOptions {
  /**
   * How long one wait for the catalog read model lasts before the feeder logs
   * where it stands and waits again. There is no overall deadline: catching
   * up a large log at start-up can take many minutes, and giving up would
   * leave search answering 503 until a restart.
   */
  readonly waitSliceMs: number;
  /** Pauses before reloading after a failure, the last one repeating. */
  readonly retryDelaysMs: readonly number[];
}

const DEFAULTS: SearchIndexFeederOptions = { waitSliceMs: 30_000, retryDelaysMs: [1000, 2000, 5000, 10_000, 30_000] };

export type SearchIndexStatus =
  | { readonly state: 'loading'; readonly detail: string }
  | { readonly state: 'ready'; readonly items: number; readonly position: string | null }
  | { readonly state: 'retrying'; readonly error: string };

class Stopping extends Error {}

/**
 * Keeps the in-memory search index equal to the catalog read model: loads
 * every item once the catalog projection has caught up with the log, then
 * follows the log from that point and re-reads each changed item from the read
 * model, so the index never interprets item events itself. `waitFor` gives
 * search the same read-your-writes guarantee as the read models.
 *
 * Supervised: if following the log fails, the feeder logs why, waits and
 * loads again from the read model; the index it had keeps serving meanwhile.
 */
@Injectable()
export class SearchIndexFeeder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private current = new SearchIndex();
  private readonly logger = new Logger('SearchIndex');
  private readonly options: SearchIndexFeederOptions;
  private position: bigint | undefined;
  private ready = false;
  private state: SearchIndexStatus = { state: 'loading', detail: 'starting' };
  private waiters: { position: bigint; resolve: () => void }[] = [];
  private subscription?: EventSubscription;
  private loop?: Promise<void>;
  private stopping = false;
  private wakeUp?: () => void;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly readModels: Pick<ReadModels, 'find' | 'get'>,
    @Inject(PROJECTION_MANAGER) private readonly projections: Pick<ProjectionManager, 'waitFor' | 'list'>,
    @Optional() @Inject(SEARCH_INDEX_FEEDER_OPTIONS) options?: Partial<SearchIndexFeederOptions>,
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** The index search reads; replaced whole when the feeder reloads. */
  get index(): SearchIndex {
    return this.current;
  }

  status(): SearchIndexStatus {
    return this.state;
  }

  onApplicationBootstrap(): void {
    // Not awaited: the service answers everything else while the index loads.
    this.loop = this.supervise();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.subscription?.close();
    await this.loop;
  }

  /** Resolves once the index includes every event up to `position`; rejects while not loaded. */
  async waitFor(position: bigint | undefined, timeoutMs: number): Promise<void> {
    if (!this.ready) {
      const why = this.state.state === 'loading' ? this.state.detail : 'restarting after an error';
      throw new ServiceUnavailableException(`the search index is still loading the catalog (${why}); retry in a moment`);
    }
    if (position === undefined || (this.position !== undefined && this.position >= position)) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.waiters.push({ position, resolve })),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new GatewayTimeoutException(
                `after: the search index had not reached position ${position} after ${timeoutMs} ms; retry, or search without 'after'`,
              ),
            ),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  }

  private async supervise(): Promise<void> {
    for (let failures = 0; !this.stopping; ) {
      try {
        await this.loadAndFollow();
        if (this.stopping) return;
        throw new Error('the subscription to the log ended');
      } catch (error) {
        if (this.stopping || error instanceof Stopping) return;
        const delays = this.options.retryDelaysMs;
        const delay = delays[Math.min(failures++, delays.length - 1)]!;
        const message = (error as Error).message ?? String(error);
        this.state = { state: 'retrying', error: message };
        this.logger.error(`following the catalog failed, reloading in ${delay} ms: ${(error as Error).stack ?? message}`);
        await this.pause(delay);
      }
    }
  }

  private async loadAndFollow(): Promise<void> {
    await this.subscription?.close().catch(() => undefined); // a broken one from the previous attempt
    const head = await this.store.headPosition();
    if (head >= 0n) await this.waitForCatalog(head, true);
    const started = performance.now();
    const items = await this.readModels.find(CATALOG, {});
    const index = new SearchIndex();
    index.upsertAll(items.map((doc) => fieldsOf(doc) as CatalogItemDocument));
    this.current = index;
    this.position = head >= 0n ? head : undefined;
    this.ready = true;
    this.state = { state: 'ready', items: items.length, position: this.position?.toString() ?? null };
    this.logger.log(`${items.length} items indexed in ${Math.round(performance.now() - started)} ms`);
    this.release();

    this.subscription = this.store.subscribeToAll(this.position === undefined ? {} : { after: this.position });
    for await (const event of this.subscription) {
      if (this.stopping) return;
      if (ITEM_EVENTS.has(event.type)) {
        await this.waitForCatalog(event.position, false);
        const itemId = event.streamId.slice('item-'.length);
        const doc = await this.readModels.get(CATALOG, itemId);
        if (doc) this.current.upsert(fieldsOf(doc) as CatalogItemDocument);
        else this.current.remove(itemId);
      }
      this.position = event.position;
      if (this.state.state === 'ready') {
        this.state = { state: 'ready', items: this.current.size, position: this.position.toString() };
      }
      this.release();
    }
  }

  /** Waits, slice by slice and without an overall deadline, for the catalog read model to reach `position`. */
  private async waitForCatalog(position: bigint, loading: boolean): Promise<void> {
    const started = performance.now();
    for (;;) {
      if (this.stopping) throw new Stopping();
      try {
        return await this.projections.waitFor(position, [CATALOG], this.options.waitSliceMs);
      } catch (error) {
        // Paused or failed: an operator's to fix (GET /v1/admin/projections); keep waiting.
        if (error instanceof ProjectionUnavailableError) await this.pause(this.options.waitSliceMs);
        else if (!(error instanceof ProjectionWaitTimeoutError)) throw error;
      }
      const where = this.catalogProgress(position, started);
      if (loading) this.state = { state: 'loading', detail: where };
      this.logger.log(`waiting: ${where}`);
    }
  }

  private catalogProgress(position: bigint, startedMs: number): string {
    // The catalog projection is named after its read model.
    const catalog = this.projections.list().find((p) => p.name === CATALOG && p.role === 'serving');
    const seconds = Math.round((performance.now() - startedMs) / 1000);
    const at = catalog ? `at ${catalog.checkpoint ?? 'the start'}, ${catalog.state}` : 'not found';
    return `${CATALOG} catching up to position ${position} (${at}; ${seconds} s so far)`;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private release(): void {
    const at = this.position;
    if (at === undefined) return;
    this.waiters = this.waiters.filter((w) => {
      if (w.position > at) return true;
      w.resolve();
      return false;
    });
  }
}
