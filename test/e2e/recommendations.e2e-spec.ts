import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { auth, type InProcessPulse, startInProcessPulse } from './support/in-process-app';

// Recommendations through the real service: the events a shopper just sent
// change what comes back (asked with `after`), filters and rules hold, and
// every answer is explained and recorded for attribution.

const categories = { shoes: ['Shoes', 'Running'], tea: ['Grocery', 'Tea'], lamps: ['Home', 'Lighting'] } as const;
const catalog = Object.entries(categories).flatMap(([name, categoryPath]) =>
  Array.from({ length: 12 }, (_, i) => ({
    id: `${name}-${i}`,
    title: `${name} ${i}`,
    categoryPath: [...categoryPath],
    brand: i % 2 ? 'Acme' : 'Zenith',
    price: 10 + i * 5,
    currency: 'EUR',
    stock: name === 'shoes' && i === 11 ? 0 : 10,
  })),
);

let eventCounter = 0;
const event = (type: string, shopperId: string, itemId: string, extra: object = {}) => ({
  eventId: `00000000-0000-4000-8000-${String(++eventCounter).padStart(12, '0')}`,
  type,
  shopperId,
  sessionId: `${shopperId}-session`,
  occurredAt: new Date().toISOString(),
  itemId,
  ...extra,
});

describe('recommendations', () => {
  let pulse: InProcessPulse;
  let app: NestFastifyApplication;

  const send = async (events: object[]) => {
    const res = await app.inject({ method: 'POST', url: '/v1/events', headers: auth('ingest'), payload: { events } });
    expect(res.statusCode).toBe(200);
    return res.json().position as string;
  };
  const recommend = (shopperId: string, query: string) =>
    app.inject({ method: 'GET', url: `/v1/shoppers/${shopperId}/recommendations?${query}`, headers: auth('read') });

  beforeAll(async () => {
    pulse = await startInProcessPulse();
    app = pulse.app;
    const res = await app.inject({ method: 'POST', url: '/v1/items/batch', headers: auth('ingest'), payload: { items: catalog } });
    expect(res.statusCode).toBe(200);
    // Background traffic: sessions within one category each, lower item
    // numbers more popular, so every item has some history and co-views.
    const background = [];
    for (let s = 0; s < 60; s++) {
      const name = Object.keys(categories)[s % 3]!;
      for (let i = 0; i < 4; i++) background.push(event('view', `bg-${s}`, `${name}-${(s * 7 + i * i * 5) % 12}`));
    }
    await send(background);
  });
  afterAll(() => pulse.close());

  it('follows a new shopper into the category they just viewed and says why', async () => {
    const position = await send([0, 1, 2].map((i) => event('view', 'newcomer', `tea-${i}`)));
    const res = await recommend('newcomer', `limit=10&after=${position}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.strategy).toBe('personalized');
    const tea = body.items.filter((item: { categoryPath: string[] }) => item.categoryPath[1] === 'Tea');
    expect(tea.length).toBeGreaterThan(body.items.length / 2);
    const reasons = JSON.stringify(body.items.map((item: { reasons: unknown }) => item.reasons));
    expect(reasons).toMatch(/tea [012]|Tea/);
    // Items just viewed in this session are not shown again.
    expect(body.items.map((i: { itemId: string }) => i.itemId)).not.toEqual(expect.arrayContaining(['tea-0']));
  });

  it('gives an unknown shopper context-aware cold-start items', async () => {
    const res = await recommend('stranger', 'limit=5&context=product:lamps-3');
    expect(res.statusCode).toBe(200);
    expect(res.json().strategy).toBe('cold_start');
    expect(res.json().items.length).toBeGreaterThan(0);
    expect(res.json().items.map((i: { itemId: string }) => i.itemId)).not.toContain('lamps-3');
  });

  it('never returns what the shopper bought, what is out of stock, or what the rules exclude', async () => {
    const position = await send([
      event('view', 'buyer', 'shoes-1'),
      event('view', 'buyer', 'shoes-2'),
      event('purchase', 'buyer', 'shoes-3', { quantity: 1, price: 25 }),
    ]);
    const res = await recommend('buyer', `limit=20&after=${position}&excludeBrands=Zenith&maxPrice=60`);
    expect(res.statusCode).toBe(200);
    const items: { itemId: string; brand: string; price: number }[] = res.json().items;
    expect(items.length).toBeGreaterThan(0);
    const ids = items.map((i) => i.itemId);
    expect(ids).not.toContain('shoes-3'); // bought
    expect(ids).not.toContain('shoes-11'); // out of stock
    expect(items.every((i) => i.brand === 'Acme' && i.price <= 60)).toBe(true);
  });

  it('includes only the requested categories', async () => {
    const res = await recommend('buyer', `limit=10&includeCategories=${encodeURIComponent('Home>Lighting')}`);
    expect(res.statusCode).toBe(200);
    const items: { categoryPath: string[] }[] = res.json().items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.categoryPath.join('>') === 'Home>Lighting')).toBe(true);
  });

  it('answers similar items for a product, and 404 for an unknown one', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/items/shoes-1/similar?limit=5', headers: auth('read') });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((i: { itemId: string }) => i.itemId)).not.toContain('shoes-1');
    const missing = await app.inject({ method: 'GET', url: '/v1/items/nothing/similar', headers: auth('read') });
    expect(missing.statusCode).toBe(404);
  });

  it('credits a click on a recommended item to the strategy that served it', async () => {
    const served = (await recommend('clicker', 'limit=5&context=product:tea-4')).json();
    const [first] = served.items;
    const position = await send([
      event('view', 'clicker', first.itemId, { attribution: { recommendationId: served.id, position: 0 } }),
    ]);
    const metrics = await app.inject({ method: 'GET', url: `/v1/admin/metrics?after=${position}`, headers: auth('admin') });
    expect(metrics.statusCode).toBe(200);
    const row = metrics.json().strategies.find((s: { strategy: string }) => s.strategy === served.strategy);
    expect(row.clicks).toBeGreaterThanOrEqual(1);
    expect(row.ctr).toBeGreaterThan(0);
    expect(metrics.json().catalog.activeItems).toBe(catalog.length);
    expect(metrics.json().catalog.exposureGini).toBeGreaterThan(0);
  });

  it.each([
    ['limit=-1', /^query\.limit/],
    ['limit=1000', /^query\.limit/],
    ['context=shelf', /^query\.context/],
    ['diversity=2', /^query\.diversity/],
    ['minPrice=50&maxPrice=10', /^query\.maxPrice/],
    ['promotionShare=0.3', /^query\.promotionShare/],
    ['colour=red', /colour/],
  ])('400s %s naming the parameter', async (query, message) => {
    const res = await recommend('buyer', query);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
  });
});
