import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_STORE, type EventStore } from '@pulse/platform/event-store/event-store.port';
import { auth, type InProcessPulse, startInProcessPulse } from './support/in-process-app';

// The HTTP surface in-process (Fastify's inject: no sockets), on a fresh
// embedded store per file. Every client error must be a 4xx naming the
// problem, and must leave the event log exactly as it was.

const item = {
  title: 'Trail runner',
  description: 'Light shoe',
  categoryPath: ['Shoes', 'Running'],
  brand: 'Acme',
  price: 89.5,
  currency: 'EUR',
  stock: 4,
};
const view = (eventId: string, itemId = 'sku-1', shopperId = 'shopper-1') => ({
  eventId,
  type: 'view',
  shopperId,
  sessionId: 'session-1',
  occurredAt: new Date().toISOString(),
  itemId,
});
const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;

describe('HTTP API', () => {
  let pulse: InProcessPulse;
  let app: NestFastifyApplication;
  let store: EventStore;

  beforeAll(async () => {
    pulse = await startInProcessPulse({ PULSE_BODY_LIMIT_BYTES: String(256 * 1024) });
    app = pulse.app;
    store = app.get(EVENT_STORE);
    const put = await app.inject({ method: 'PUT', url: '/v1/items/sku-1', headers: auth('ingest'), payload: item });
    expect(put.statusCode).toBe(201);
  });

  afterAll(() => pulse.close());

  describe('catalog', () => {
    it('answers PUT of an unchanged item with 200 and stores nothing', async () => {
      const before = await store.headPosition();
      const res = await app.inject({ method: 'PUT', url: '/v1/items/sku-1', headers: auth('ingest'), payload: item });
      expect(res.statusCode).toBe(200);
      expect(res.json().position).toBe(before.toString());
      expect(await store.headPosition()).toBe(before);
    });

    it('changes price and stock with PATCH and shows them on GET', async () => {
      const res = await app.inject({
        method: 'PATCH',
        url: '/v1/items/sku-2',
        headers: auth('ingest'),
        payload: { price: 10 },
      });
      expect(res.statusCode).toBe(404);
      await app.inject({ method: 'PUT', url: '/v1/items/sku-2', headers: auth('ingest'), payload: item });
      const patched = await app.inject({
        method: 'PATCH',
        url: '/v1/items/sku-2',
        headers: auth('ingest'),
        payload: { price: 70, stock: 0 },
      });
      expect(patched.statusCode).toBe(200);
      const got = await app.inject({
        method: 'GET',
        url: `/v1/items/sku-2?after=${patched.json().position}`,
        headers: auth('read'),
      });
      expect(got.json()).toMatchObject({ id: 'sku-2', price: 70, stock: 0, inStock: false, status: 'active' });
    });

    it('delists with DELETE; the item stays readable as delisted', async () => {
      await app.inject({ method: 'PUT', url: '/v1/items/sku-3', headers: auth('ingest'), payload: item });
      const res = await app.inject({ method: 'DELETE', url: '/v1/items/sku-3', headers: auth('ingest') });
      expect(res.statusCode).toBe(200);
      const got = await app.inject({
        method: 'GET',
        url: `/v1/items/sku-3?after=${res.json().position}`,
        headers: auth('read'),
      });
      expect(got.json().status).toBe('delisted');
    });

    it('imports a batch, telling listed from unchanged', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/items/batch',
        headers: auth('ingest'),
        payload: { items: [{ id: 'sku-1', ...item }, { id: 'sku-10', ...item, title: 'Ten' }] },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().results).toEqual([
        { id: 'sku-1', status: 'unchanged' },
        { id: 'sku-10', status: 'listed' },
      ]);
    });

    it('404s an item that was never listed', async () => {
      const res = await app.inject({ method: 'GET', url: '/v1/items/never', headers: auth('read') });
      expect(res.statusCode).toBe(404);
      expect(res.json().message).toContain('never');
    });
  });

  describe('events', () => {
    it('accepts an event, acknowledges its retry as a duplicate and stores it once', async () => {
      const first = await app.inject({ method: 'POST', url: '/v1/events', headers: auth('ingest'), payload: view(uuid(1)) });
      expect(first.statusCode).toBe(200);
      expect(first.json().results).toEqual([{ eventId: uuid(1), status: 'accepted' }]);
      const retry = await app.inject({ method: 'POST', url: '/v1/events', headers: auth('ingest'), payload: view(uuid(1)) });
      expect(retry.json().results[0].status).toBe('duplicate');
      const stream = await store.readStream('shopper-shopper-1');
      expect(stream.filter((e) => e.metadata.clientEventId === uuid(1))).toHaveLength(1);
      expect(BigInt(first.json().position)).toBe(stream.at(-1)!.position);
    });

    it('answers a batch with one result per event, in order', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: auth('ingest'),
        payload: { events: [view(uuid(2)), view(uuid(3), 'unknown-sku'), view(uuid(2))] },
      });
      expect(res.statusCode).toBe(200);
      const results = res.json().results;
      expect(results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'rejected', 'duplicate']);
      expect(results[1].reason).toContain('unknown-sku');
    });

    it('rejects a single event about an unknown item with 422 naming the id', async () => {
      const before = await store.headPosition();
      const res = await app.inject({ method: 'POST', url: '/v1/events', headers: auth('ingest'), payload: view(uuid(4), 'ghost') });
      expect(res.statusCode).toBe(422);
      expect(JSON.stringify(res.json())).toContain('ghost');
      expect(await store.headPosition()).toBe(before);
    });

    it('rejects an event dated beyond the allowed clock skew', async () => {
      const future = { ...view(uuid(5)), occurredAt: new Date(Date.now() + 3_600_000).toISOString() };
      const res = await app.inject({ method: 'POST', url: '/v1/events', headers: auth('ingest'), payload: future });
      expect(res.statusCode).toBe(422);
      expect(res.json().results[0].reason).toMatch(/future|occurredAt/i);
    });
  });

  describe('client errors leave the log untouched', () => {
    const big = 'x'.repeat(300 * 1024);
    const cases: [string, number, Record<string, string>, string | object, RegExp][] = [
      ['malformed JSON', 400, auth('ingest'), '{"eventId": ', /JSON/],
      ['a JSON array', 400, auth('ingest'), [], /event object/],
      ['a missing field', 400, auth('ingest'), { ...view(uuid(20)), itemId: undefined }, /itemId/],
      ['a mistyped field', 400, auth('ingest'), { ...view(uuid(21)), sessionId: 42 }, /sessionId/],
      ['an unknown type', 400, auth('ingest'), { ...view(uuid(22)), type: 'click' }, /type: must be one of/],
      ['an unknown field', 400, auth('ingest'), { ...view(uuid(23)), colour: 'red' }, /colour/],
      ['a huge string', 400, auth('ingest'), { ...view(uuid(24)), shopperId: 'y'.repeat(5000) }, /shopperId/],
      ['a body over the limit', 413, auth('ingest'), { ...view(uuid(25)), sessionId: big }, /larger than the limit|too large/i],
      ['an empty batch', 400, auth('ingest'), { events: [] }, /events/],
      ['a batch over 1000', 400, auth('ingest'), { events: Array.from({ length: 1001 }, (_, i) => view(uuid(1000 + i))) }, /at most 1000/],
      ['one bad event in a good batch', 400, auth('ingest'), { events: [view(uuid(26)), { ...view(uuid(27)), quantity: 'two' }] }, /events\[1\]/],
      ['no key', 401, {}, view(uuid(28)), /authorization/],
      ['an unknown key', 401, { authorization: 'Bearer nope-nope-nope-nope' }, view(uuid(29)), /unknown API key/],
      ['the read key', 403, auth('read'), view(uuid(30)), /read/],
    ];

    it.each(cases)('%s → %i', async (_name, status, headers, payload, message) => {
      const before = await store.headPosition();
      const res = await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'application/json', ...headers },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });
      expect(res.statusCode).toBe(status);
      expect(res.json().message).toMatch(message);
      expect(await store.headPosition()).toBe(before);
    });

    it('refuses a non-JSON content type with 415', async () => {
      const before = await store.headPosition();
      const res = await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { ...auth('ingest'), 'content-type': 'text/plain' },
        payload: 'view sku-1',
      });
      expect(res.statusCode).toBe(415);
      expect(await store.headPosition()).toBe(before);
    });

    it('names the field of a bad item and stores nothing', async () => {
      const before = await store.headPosition();
      const res = await app.inject({
        method: 'POST',
        url: '/v1/items/batch',
        headers: auth('ingest'),
        payload: { items: [{ id: 'ok-1', ...item }, { id: 'bad', ...item, currency: 'euro' }] },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/^items\[1\]\.currency: /);
      expect(await store.headPosition()).toBe(before);
    });

    it('keeps admin endpoints from other roles', async () => {
      const res = await app.inject({ method: 'GET', url: '/v1/admin/streams/shopper-shopper-1', headers: auth('ingest') });
      expect(res.statusCode).toBe(403);
    });
  });

  describe('read models', () => {
    it('shows a shopper profile that includes the write just acknowledged (after)', async () => {
      const items = ['run-1', 'run-2', 'run-3'];
      await app.inject({
        method: 'POST',
        url: '/v1/items/batch',
        headers: auth('ingest'),
        payload: { items: items.map((id) => ({ id, ...item })) },
      });
      const views = items.map((id, i) => view(uuid(100 + i), id, 'reader-1'));
      const write = await app.inject({ method: 'POST', url: '/v1/events', headers: auth('ingest'), payload: { events: views } });
      const res = await app.inject({
        method: 'GET',
        url: `/v1/shoppers/reader-1/profile?after=${write.json().position}`,
        headers: auth('read'),
      });
      expect(res.statusCode).toBe(200);
      const profile = res.json();
      expect(profile.recentInteractions.map((r: { itemId: string }) => r.itemId)).toEqual(['run-3', 'run-2', 'run-1']);
      expect(profile.affinities.categories.map((a: { key: string }) => a.key)).toEqual(
        expect.arrayContaining(['Shoes', 'Shoes>Running']),
      );
      expect(profile.counts.view).toBe(3);
    });

    it('lists a category by popularity, most viewed first, only active items', async () => {
      const events = [
        view(uuid(200), 'run-2', 'lister'),
        view(uuid(201), 'run-2', 'lister-2'),
        view(uuid(202), 'run-2', 'lister-3'),
        view(uuid(203), 'run-3', 'lister'),
      ];
      const write = await app.inject({ method: 'POST', url: '/v1/events', headers: auth('ingest'), payload: { events } });
      const res = await app.inject({
        method: 'GET',
        url: `/v1/items?category=${encodeURIComponent('Shoes>Running')}&sort=popular&limit=3&after=${write.json().position}`,
        headers: auth('read'),
      });
      expect(res.statusCode).toBe(200);
      const ids = res.json().items.map((i: { itemId: string }) => i.itemId);
      expect(ids[0]).toBe('run-2');
      expect(ids).not.toContain('sku-3'); // delisted above
      expect(res.json().items[0].popularity).toBeGreaterThan(res.json().items[1].popularity);
    });

    it('400s a listing with a bad limit, naming it', async () => {
      const res = await app.inject({ method: 'GET', url: '/v1/items?limit=-1', headers: auth('read') });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/^query\.limit/);
    });

    it('answers 504 naming `after` when the read models cannot reach the position in time', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/v1/shoppers/reader-1/profile?after=99999999',
        headers: auth('read'),
      });
      expect(res.statusCode).toBe(504);
      expect(res.json().message).toMatch(/^after: /);
    }, 10_000);

    it('400s a malformed `after`', async () => {
      const res = await app.inject({ method: 'GET', url: '/v1/items/sku-1?after=abc', headers: auth('read') });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/^query\.after/);
    });

    it('lists projections with checkpoint and lag for admins', async () => {
      const res = await app.inject({ method: 'GET', url: '/v1/admin/projections', headers: auth('admin') });
      expect(res.statusCode).toBe(200);
      const names = res.json().projections.map((p: { name: string }) => p.name);
      expect(names).toEqual(expect.arrayContaining(['catalog_items', 'shopper_profiles']));
    });

    it('rebuilds a projection blue/green into a version equal to the live one', async () => {
      const before = await app.inject({ method: 'GET', url: '/v1/shoppers/reader-1/profile', headers: auth('read') });
      const started = await app.inject({ method: 'POST', url: '/v1/admin/projections/shopper_profiles/rebuild', headers: auth('admin') });
      expect(started.statusCode).toBe(202);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const list = await app.inject({ method: 'GET', url: '/v1/admin/projections', headers: auth('admin') });
        const rows = list.json().projections.filter((p: { name: string }) => p.name === 'shopper_profiles');
        if (rows.length === 1 && rows[0].version === started.json().version) break;
        if (Date.now() > deadline) throw new Error(`rebuild did not switch: ${JSON.stringify(rows)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const after = await app.inject({ method: 'GET', url: '/v1/shoppers/reader-1/profile', headers: auth('read') });
      const { affinities: a1, ...rest1 } = before.json();
      const { affinities: a2, ...rest2 } = after.json();
      expect(rest2).toEqual(rest1);
      expect(a2.categories.map((a: { key: string }) => a.key)).toEqual(a1.categories.map((a: { key: string }) => a.key));
    });

    it('404s an unknown projection naming the known ones', async () => {
      const res = await app.inject({ method: 'POST', url: '/v1/admin/projections/nope/rebuild', headers: auth('admin') });
      expect(res.statusCode).toBe(404);
      expect(res.json().message).toContain('shopper_profiles');
    });
  });

  describe('admin and health', () => {
    it('reads a stream with revisions, positions and metadata', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/v1/admin/streams/shopper-shopper-1?from=0&limit=2',
        headers: auth('admin'),
      });
      expect(res.statusCode).toBe(200);
      const [first] = res.json().events;
      expect(first).toMatchObject({ revision: 0, type: 'ShopperViewedItem' });
      expect(first.metadata).toMatchObject({ clientEventId: uuid(1), schemaVersion: 1 });
      expect(typeof first.position).toBe('string');
    });

    it('400s a bad stream query naming the parameter', async () => {
      const res = await app.inject({ method: 'GET', url: '/v1/admin/streams/x?limit=-3', headers: auth('admin') });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/^query\.limit/);
    });

    it('reports the event store in readiness', async () => {
      const res = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(200);
      expect(res.json().backends).toMatchObject({ events: { status: 'up' }, documents: { status: 'up' } });
    });

    it('serves the OpenAPI document with the events endpoint', async () => {
      const res = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
      expect(res.statusCode).toBe(200);
      expect(Object.keys(res.json().paths)).toEqual(expect.arrayContaining(['/v1/events', '/v1/items/{id}']));
    });
  });
});
