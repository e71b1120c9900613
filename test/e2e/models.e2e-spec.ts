import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ModelRegistry } from '@pulse/models/registry/model-registry';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import { SqliteEventStore } from '@pulse/platform/event-store/sqlite-event-store.adapter';
import { SyntheticShop } from '@pulse/testing/synthetic/shop/synthetic-shop';
import { writeDirect } from '@pulse/testing/synthetic/write-direct';
import { auth, type InProcessPulse, startInProcessPulse } from './support/in-process-app';

// The model lifecycle through the real service: train on synthetic-shop
// data (in the child-process trainer, which runs the compiled worker: build
// first), promote, recommendations name the serving version, a worse
// candidate is refused, and a rollback written by another process is
// picked up from the log.

jest.setTimeout(240_000);

describe('models', () => {
  let pulse: InProcessPulse;
  let app: NestFastifyApplication;
  let dataDir: string;
  let head: string;

  const admin = (method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, headers: auth('admin'), ...(payload && { payload }) });
  const train = async (kind: string, params: object) => {
    const res = await admin('POST', '/v1/admin/models/shop/train', { kind, params, wait: true, untilPosition: head });
    expect(res.statusCode).toBe(202);
    expect(res.json().error).toBeUndefined();
    expect(res.json()).toMatchObject({ model: 'shop', status: 'trained' });
    return res.json() as { version: number; outcome: { metric: { name: string; value: number }; validationCases: number } };
  };
  const servingVersion = async () =>
    (await admin('GET', '/v1/admin/models')).json().models.find((m: { name: string }) => m.name === 'shop')?.servingVersion;
  /** A shopper of the synthetic shop with a history, so the personalised (model) strategy runs. */
  let shopper: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pulse-models-e2e-'));
    const shop = new SyntheticShop({ seed: 5, items: 120, shoppers: 80, startAt: Date.now() - 3 * 86_400_000, sessionsPerHour: 60 });
    const summary = await writeDirect(dataDir, shop, { events: 5000 });
    head = summary.head.toString();
    pulse = await startInProcessPulse({ PULSE_DATA_DIR: dataDir, PULSE_UNKNOWN_ITEMS: 'accept', PULSE_READ_AFTER_TIMEOUT_MS: '30000' });
    app = pulse.app;
    const store = new SqliteEventStore(join(dataDir, 'events.db'));
    try {
      const views = await store.readAll({ filter: { eventTypes: ['ShopperViewedItem'] }, maxCount: 50 });
      shopper = String(views[views.length - 1]!.data.shopperId);
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await pulse?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists no models before any training, and refuses unknown ones with 404 and bad bodies with 400 naming the field', async () => {
    expect((await admin('GET', '/v1/admin/models')).json()).toEqual({ models: [] });
    const missing = await admin('POST', '/v1/admin/models/nope/promote', { version: 1 });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toMatch(/^name: /);
    const bad = await admin('POST', '/v1/admin/models/shop/promote', { version: 'one' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^version: /);
    const noKind = await admin('POST', '/v1/admin/models/shop/train', {});
    expect(noKind.statusCode).toBe(400);
    expect(noKind.json().message).toMatch(/^kind: /);
    expect((await app.inject({ method: 'GET', url: '/v1/admin/models', headers: auth('read') })).statusCode).toBe(403);
    const modelAlone = await app.inject({ method: 'GET', url: `/v1/shoppers/${shopper}/recommendations?strategy=model`, headers: auth('read') });
    expect(modelAlone.statusCode).toBe(400);
    expect(modelAlone.json().message).toMatch(/strategy.*no model is serving/);
  });

  it('trains, promotes the better version, refuses the worse one, serves it with its version, and follows a rollback from another process', async () => {
    const gru = await train('gru4rec', { epochs: 3, hiddenSize: 16, maxLen: 20, batchSize: 64, patience: 0, validationSequences: 0, progress: 'none' });
    const pop = await train('popularity', {});
    expect(gru.outcome.validationCases).toBeGreaterThan(0);
    expect(gru.outcome.metric.name).toBe('ndcg@10');
    const [better, worse] = gru.outcome.metric.value > pop.outcome.metric.value ? [gru, pop] : [pop, gru];
    expect(better.outcome.metric.value).not.toBe(worse.outcome.metric.value);

    // Promote the worse first (no champion yet), then the better over it, so a rollback has somewhere to go.
    expect((await admin('POST', '/v1/admin/models/shop/promote', { version: worse.version })).statusCode).toBe(200);
    const promoted = await admin('POST', '/v1/admin/models/shop/promote', { version: better.version });
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json()).toMatchObject({ servingVersion: better.version, championVersion: better.version });

    // The worse one may not come back without force.
    const refused = await admin('POST', '/v1/admin/models/shop/promote', { version: worse.version });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'worse_than_champion' });
    expect(refused.json().message).toMatch(/^version: version \d+ is worse than the serving champion/);

    const res = await app.inject({ method: 'GET', url: `/v1/shoppers/${shopper}/recommendations?limit=10&after=${head}`, headers: auth('read') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ strategy: 'personalized', modelVersion: `shop@${better.version}` });
    expect(res.json().items.length).toBeGreaterThan(0);
    // The model alone: only its candidates, in its order, same version.
    const alone = await app.inject({ method: 'GET', url: `/v1/shoppers/${shopper}/recommendations?limit=10&strategy=model`, headers: auth('read') });
    expect(alone.statusCode).toBe(200);
    expect(alone.json()).toMatchObject({ strategy: 'model', modelVersion: `shop@${better.version}` });
    const aloneItems: { score: number; reasons: { code: string }[] }[] = alone.json().items;
    expect(aloneItems.length).toBeGreaterThan(0);
    expect(aloneItems.every((item) => item.reasons.some((reason) => reason.code === 'model'))).toBe(true);
    expect(aloneItems.map((item) => item.score)).toEqual(aloneItems.map((item) => item.score).sort((a, b) => b - a));
    // Search re-ranks a shopper's matches with the same model, and says so.
    const word = String(res.json().items[0].title).split(/\s+/)[0]!;
    const searched = await app.inject({ method: 'GET', url: `/v1/search?q=${encodeURIComponent(word)}&shopperId=${shopper}&after=${head}`, headers: auth('read') });
    expect(searched.statusCode).toBe(200);
    expect(searched.json()).toMatchObject({ strategy: 'search_personalized', modelVersion: `shop@${better.version}` });
    expect(searched.json().items.some((item: { modelScore?: number }) => item.modelScore !== undefined)).toBe(true);
    const plain = await app.inject({ method: 'GET', url: `/v1/search?q=${encodeURIComponent(word)}`, headers: auth('read') });
    expect(plain.json().modelVersion).toBeUndefined();
    const recorded = await admin('GET', `/v1/admin/streams/recommendation-${res.json().id}`);
    expect(recorded.json().events[0].data.modelVersion).toBe(`shop@${better.version}`);

    const listing = (await admin('GET', '/v1/admin/models')).json().models[0];
    expect(listing).toMatchObject({ name: 'shop', servingVersion: better.version, previousChampions: [worse.version] });
    expect(listing.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([[1, 'trained'], [2, 'trained']]);
    expect(listing.versions[gru.version - 1]).toMatchObject({ kind: 'gru4rec', artifact: { store: 'files', key: `shop/${gru.version}` } });
    expect(listing.versions[gru.version - 1].backend).not.toBe('none');

    // Another process (as `npx pulse models rollback` is) writes the rollback to the log; this one follows.
    const otherStore = new SqliteEventStore(join(dataDir, 'events.db'));
    try {
      const other = new ModelRegistry(otherStore, new EventRegistry());
      await other.execute('shop', { type: 'Rollback', at: new Date().toISOString() }, { correlationId: 'cli', causationId: 'cli', receivedAt: new Date().toISOString() });
    } finally {
      await otherStore.close();
    }
    const deadline = Date.now() + 20_000;
    while ((await servingVersion()) !== worse.version && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await servingVersion()).toBe(worse.version);
    const after = await app.inject({ method: 'GET', url: `/v1/shoppers/${shopper}/recommendations?limit=10`, headers: auth('read') });
    expect(after.json().modelVersion).toBe(`shop@${worse.version}`);
  });
});
