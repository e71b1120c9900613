import { SqliteDocumentStore } from '@pulse/platform/document-store/sqlite-document-store.adapter';
import { SqliteEventStore } from '@pulse/platform/event-store/sqlite-event-store.adapter';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import { type ReadModels, unversionedReader } from '@pulse/platform/projections/read-models';
import { RefreshRecommendations } from './refresh-recommendations.command';
import { RefreshRecommendationsHandler } from './refresh-recommendations.handler';

// A refresh after a model update can cover hundreds of shoppers. On shutdown
// it must stop between shoppers, before the stores close under it, with every
// list it reports written to the log and none written twice or half-way.

describe('RefreshRecommendationsHandler on SQLite', () => {
  let events: SqliteEventStore;
  let docs: SqliteDocumentStore;

  beforeEach(() => {
    events = new SqliteEventStore(':memory:');
    docs = new SqliteDocumentStore(':memory:');
  });
  afterEach(async () => {
    await events.close();
    await docs.close();
  });

  // No `after` in these commands, so catching up is never asked for.
  const readModels = () => ({ ...unversionedReader(docs), catchUp: async () => undefined }) as unknown as ReadModels;
  const shoppers = (n: number) => Array.from({ length: n }, (_, i) => `s-${i}`);

  it('refreshes every shopper once, each list in its own stream', async () => {
    const handler = new RefreshRecommendationsHandler(readModels(), events, new EventRegistry());
    const { refreshed } = await handler.execute(new RefreshRecommendations([...shoppers(9), 's-3'], 'model_update'));
    expect(refreshed.map((list) => list.shopperId).sort()).toEqual(shoppers(9).sort());
    const log = await events.readAll();
    expect(log.map((e) => e.streamId).sort()).toEqual(shoppers(9).map((id) => `recommendations-${id}`).sort());
    expect(log.every((e) => e.type === 'RecommendationsRefreshed')).toBe(true);
  });

  it('stops between groups of shoppers on shutdown, every reported list in the log', async () => {
    // A small share: long rests between groups, so shutdown lands mid-refresh.
    const handler = new RefreshRecommendationsHandler(readModels(), events, new EventRegistry(), undefined, 0.05);
    const run = handler.execute(new RefreshRecommendations(shoppers(400), 'model_update'));
    while ((await events.headPosition()) < 2n) await new Promise((r) => setTimeout(r, 5));
    await handler.beforeApplicationShutdown();
    const { refreshed } = await run;

    expect(refreshed.length).toBeGreaterThanOrEqual(2);
    expect(refreshed.length).toBeLessThan(400);
    const log = await events.readAll();
    expect(log.map((e) => e.data.listId).sort()).toEqual(refreshed.map((list) => list.listId).sort());
  });

  it('refuses a share outside (0, 1]', () => {
    expect(() => new RefreshRecommendationsHandler(readModels(), events, new EventRegistry(), undefined, 0)).toThrow(
      'refresh share must be in (0, 1], got 0',
    );
  });
});
