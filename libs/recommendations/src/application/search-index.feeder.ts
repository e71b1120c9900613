import {
  type BeforeApplicationShutdown,
  GatewayTimeoutException,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import { EVENT_STORE, type EventStore, type EventSubscription } from '@pulse/platform/event-store/event-store.port';
import { fieldsOf } from '@pulse/platform/projections/projection';
import type { ProjectionManager } from '@pulse/platform/projections/projection-manager';
import { PROJECTION_MANAGER, READ_MODELS, type ReadModels } from '@pulse/platform/projections/read-models';
import { SearchIndex } from '../search';

const ITEM_EVENTS = new Set(['ItemListed', 'ItemUpdated', 'ItemPriceChanged', 'ItemStockChanged', 'ItemDelisted']);
/** Generous: a catalog projection catching up a large log at start-up. */
const CATCH_UP_MS = 10 * 60_000;


/**
 * Keeps the in-memory search index equal to the catalog read model: loads
 * every item once the catalog projection has caught up with the log, then
 * follows the log from that point and re-reads each changed item from the read
 * model, so the index never interprets item events itself. `waitFor` gives
 * search the same read-your-writes guarantee as the read models.
 */
@Injectable()
export class SearchIndexFeeder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly index = new SearchIndex();
  private readonly logger = new Logger('SearchIndex');
  private position: bigint | undefined;
  private ready = false;
  private waiters: { position: bigint; resolve: () => void }[] = [];
  private subscription?: EventSubscription;
  private loop?: Promise<void>;
  private stopping = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(PROJECTION_MANAGER) private readonly projections: ProjectionManager,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: the service answers everything else while the index loads.
    this.loop = this.run().catch((error) => this.logger.error(`stopped: ${(error as Error).stack}`));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.subscription?.close();
    await this.loop;
  }

  /** Resolves once the index includes every event up to `position`; rejects while not loaded. */
  async waitFor(position: bigint | undefined, timeoutMs: number): Promise<void> {
    if (!this.ready) {
      throw new ServiceUnavailableException('the search index is still loading the catalog; retry in a moment');
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

  private async run(): Promise<void> {
    const head = await this.store.headPosition();
    if (head >= 0n) await this.projections.waitFor(head, ['catalog_items'], CATCH_UP_MS);
    const started = performance.now();
    const items = await this.readModels.find('catalog_items', {});
    this.index.upsertAll(items.map((doc) => fieldsOf(doc) as CatalogItemDocument));
    this.position = head >= 0n ? head : undefined;
    this.ready = true;
    this.logger.log(`${items.length} items indexed in ${Math.round(performance.now() - started)} ms`);

    this.subscription = this.store.subscribeToAll(this.position === undefined ? {} : { after: this.position });
    for await (const event of this.subscription) {
      if (this.stopping) return;
      if (ITEM_EVENTS.has(event.type)) {
        await this.projections.waitFor(event.position, ['catalog_items'], CATCH_UP_MS);
        const itemId = event.streamId.slice('item-'.length);
        const doc = await this.readModels.get('catalog_items', itemId);
        if (doc) this.index.upsert(fieldsOf(doc) as CatalogItemDocument);
        else this.index.remove(itemId);
      }
      this.position = event.position;
      this.release();
    }
  }

  private release(): void {
    const at = this.position!;
    this.waiters = this.waiters.filter((w) => {
      if (w.position > at) return true;
      w.resolve();
      return false;
    });
  }
}
