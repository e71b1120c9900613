import { randomUUID } from 'node:crypto';
import { itemEventDefinitions } from '@pulse/catalog/domain/item.events';
import { createCatalogItemsProjection } from '@pulse/catalog/projections/catalog-items.projection';
import { SqliteDocumentStore } from '@pulse/platform/document-store/sqlite-document-store.adapter';
import type { EventStore } from '@pulse/platform/event-store/event-store.port';
import { SqliteEventStore } from '@pulse/platform/event-store/sqlite-event-store.adapter';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import { ProjectionManager } from '@pulse/platform/projections/projection-manager';
import { ReadModels } from '@pulse/platform/projections/read-models';
import { SearchIndexFeeder } from './search-index.feeder';

// The feeder against the real log, catalog projection and read model. A large
// log once took the catalog projection longer to catch up than the feeder's
// single wait allowed; search then answered 503 until a restart. These pin
// that the feeder waits as long as it takes and recovers from failures.

const listed = (itemId: string, title: string) => ({
  eventId: randomUUID(),
  type: 'ItemListed',
  data: {
    itemId,
    title,
    description: `${title} for testing`,
    categoryPath: ['Shoes', 'Running'],
    brand: 'Acme',
    price: 50,
    currency: 'EUR',
    stock: 3,
    attributes: {},
    at: '2026-01-01T00:00:00.000Z',
  },
  metadata: { schemaVersion: 1 },
});
const delisted = (itemId: string) => ({
  eventId: randomUUID(),
  type: 'ItemDelisted',
  data: { itemId, at: '2026-01-02T00:00:00.000Z' },
  metadata: { schemaVersion: 1 },
});

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const matches = (feeder: SearchIndexFeeder, text: string) =>
  feeder.index.search(text, { limit: 10 }).hits.map((hit) => hit.itemId).sort();

describe('SearchIndexFeeder on SQLite', () => {
  let events: SqliteEventStore;
  let docs: SqliteDocumentStore;
  let manager: ProjectionManager;
  let feeder: SearchIndexFeeder | undefined;

  beforeEach(async () => {
    events = new SqliteEventStore(':memory:');
    docs = new SqliteDocumentStore(':memory:');
    const registry = new EventRegistry().registerAll(itemEventDefinitions);
    manager = new ProjectionManager([createCatalogItemsProjection()], events, docs, registry, { maxBatch: 50 });
    await manager.start();
  });
  afterEach(async () => {
    await feeder?.beforeApplicationShutdown();
    feeder = undefined;
    await manager.stop();
    await events.close();
    await docs.close();
  });

  const startFeeder = (store: EventStore = events) => {
    feeder = new SearchIndexFeeder(store, new ReadModels(manager, docs, 1000), manager, {
      waitSliceMs: 20,
      retryDelaysMs: [10],
    });
    feeder.onApplicationBootstrap();
    return feeder;
  };

  it('waits as long as the catalog takes to catch up, saying where it stands, then serves and follows the log', async () => {
    await manager.pause('catalog_items');
    await events.append('item-a', [listed('a', 'Trail runner')], 'any');
    await events.append('item-b', [listed('b', 'Road runner')], 'any');
    const feeder = startFeeder();

    // Many wait slices pass while the catalog projection is paused.
    await new Promise((r) => setTimeout(r, 200));
    const loading = feeder.status();
    expect(loading.state).toBe('loading');
    expect(loading.state === 'loading' && loading.detail).toMatch(/catalog_items catching up to position \d+ \(at the start, paused/);
    await expect(feeder.waitFor(undefined, 100)).rejects.toThrow(/still loading the catalog \(catalog_items catching up/);

    await manager.resume('catalog_items');
    await waitUntil(() => feeder.status().state === 'ready', 'the index to load');
    expect(matches(feeder, 'runner')).toEqual(['a', 'b']);

    // Then it follows: a new item, and a delisted one, once the position a write returned is reached.
    await events.append('item-c', [listed('c', 'Hiking runner')], 'any');
    const { position } = await events.append('item-a', [delisted('a')], 'any');
    await feeder.waitFor(position, 5_000);
    expect(matches(feeder, 'runner')).toEqual(['b', 'c']);
    // The delisted item's document stays, as in the read model; search leaves it out.
    expect(feeder.status()).toEqual({ state: 'ready', items: 3, position: position.toString() });
  });

  it('reloads after following the log fails, keeping nothing stale', async () => {
    await events.append('item-a', [listed('a', 'Trail runner')], 'any');
    // The first subscription breaks at once; the next ones are the store's own.
    let subscriptions = 0;
    const flaky: EventStore = Object.create(events, {
      subscribeToAll: {
        value: (options: Parameters<EventStore['subscribeToAll']>[0]) => {
          if (subscriptions++ > 0) return events.subscribeToAll(options);
          const broken = events.subscribeToAll(options);
          return Object.assign(broken, {
            [Symbol.asyncIterator]: () => ({
              next: () => Promise.reject(new Error('connection to the log lost')),
            }),
          });
        },
      },
    });
    const feeder = startFeeder(flaky);
    await waitUntil(() => subscriptions >= 2, 'a second subscription');
    await waitUntil(() => feeder.status().state === 'ready', 'the reload');

    const { position } = await events.append('item-b', [listed('b', 'Road runner')], 'any');
    await feeder.waitFor(position, 5_000);
    expect(matches(feeder, 'runner')).toEqual(['a', 'b']);
  });
});
