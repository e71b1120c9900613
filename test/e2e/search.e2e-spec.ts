import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { auth, type InProcessPulse, startInProcessPulse } from './support/in-process-app';

// Search through the real service: text matching in English and Chinese, the
// same matches ordered differently for shoppers with different interests,
// facets, read-your-writes for a newly listed item, and 400s for bad input.

const item = (id: string, title: string, categoryPath: string[], brand: string, price: number, description = '') => ({
  id,
  title,
  description,
  categoryPath,
  brand,
  price,
  currency: 'EUR',
  stock: 5,
});
const catalog = [
  item('shoe-trail', 'Trail running shoes', ['Sports', 'Running'], 'Acme', 90),
  item('shoe-road', 'Road running shoes', ['Sports', 'Running'], 'Zenith', 80),
  item('shoe-dress', 'Leather dress shoes', ['Fashion', 'Formal'], 'Elegance', 120),
  item('shoe-kids', 'Kids shoes with lights', ['Fashion', 'Kids'], 'Elegance', 35),
  item('tea-green', 'Green tea', ['Grocery', 'Tea'], 'Leafy', 8, 'Sencha from Shizuoka'),
  item('zh-run', '红色跑步鞋', ['Sports', 'Running'], 'Acme', 70, '轻便透气'),
  item('zh-tea', '龙井绿茶', ['Grocery', 'Tea'], 'Leafy', 25, '杭州西湖'),
];

let n = 0;
const view = (shopperId: string, itemId: string) => ({
  eventId: `00000000-0000-4000-9000-${String(++n).padStart(12, '0')}`,
  type: 'view',
  shopperId,
  sessionId: `${shopperId}-s`,
  occurredAt: new Date().toISOString(),
  itemId,
});

describe('search', () => {
  let pulse: InProcessPulse;
  let app: NestFastifyApplication;
  let position: string;

  const search = (query: string) => app.inject({ method: 'GET', url: `/v1/search?${query}`, headers: auth('read') });
  const ids = (body: { items: { itemId: string }[] }) => body.items.map((i) => i.itemId);

  beforeAll(async () => {
    pulse = await startInProcessPulse();
    app = pulse.app;
    await app.inject({ method: 'POST', url: '/v1/items/batch', headers: auth('ingest'), payload: { items: catalog } });
    const events = [
      ...['shoe-trail', 'shoe-road', 'zh-run'].map((id) => view('runner', id)),
      ...['shoe-dress', 'shoe-kids'].flatMap((id) => [view('dresser', id), view('dresser', id)]),
    ];
    const res = await app.inject({ method: 'POST', url: '/v1/events', headers: auth('ingest'), payload: { events } });
    position = res.json().position;
  });
  afterAll(() => pulse.close());

  it('finds the items that contain an English term, best match first, with facets', async () => {
    const res = await search(`q=running&after=${position}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // Two have it in the title; the Chinese one only in its category (Sports > Running), so it ranks last.
    expect(ids(body).slice(0, 2).sort()).toEqual(['shoe-road', 'shoe-trail']);
    expect(ids(body)[2]).toBe('zh-run');
    expect(body.total).toBe(3);
    expect(body.strategy).toBe('search');
    expect(body.facets.brands).toEqual(expect.arrayContaining([{ brand: 'Acme', count: 2 }, { brand: 'Zenith', count: 1 }]));
    expect(body.items[0].reasons[0]).toMatchObject({ code: 'text_match' });
  });

  it('finds Chinese items by a Chinese word, and by a partial word', async () => {
    expect(ids((await search(`q=${encodeURIComponent('跑步鞋')}&after=${position}`)).json())).toEqual(['zh-run']);
    expect(ids((await search(`q=${encodeURIComponent('绿茶')}`)).json())).toEqual(['zh-tea']);
  });

  it('tolerates a typo and completes a prefix', async () => {
    const typo = (await search('q=runing')).json();
    expect(ids(typo).sort()).toEqual(['shoe-road', 'shoe-trail', 'zh-run']);
    expect(JSON.stringify(typo.items[0].reasons)).toContain('typo_corrected');
    expect(ids((await search('q=leath')).json())).toEqual(['shoe-dress']);
  });

  it('gives two shoppers the same matches in an order closer to each one\'s interests', async () => {
    const runner = (await search(`q=shoes&shopperId=runner&after=${position}`)).json();
    const dresser = (await search(`q=shoes&shopperId=dresser&after=${position}`)).json();
    expect(runner.strategy).toBe('search_personalized');
    expect(ids(runner).sort()).toEqual(ids(dresser).sort());
    expect(ids(runner)).not.toEqual(ids(dresser));
    expect(['shoe-trail', 'shoe-road']).toContain(ids(runner)[0]);
    expect(['shoe-dress', 'shoe-kids']).toContain(ids(dresser)[0]);
    expect(JSON.stringify(dresser.items[0].reasons)).toContain('category_affinity');
  });

  it('filters by category and price, and pages with a stable total', async () => {
    const filtered = (await search(`q=shoes&category=${encodeURIComponent('Fashion')}&maxPrice=100`)).json();
    expect(ids(filtered)).toEqual(['shoe-kids']);
    const page2 = (await search('q=shoes&limit=2&offset=2')).json();
    expect(page2.total).toBe(4);
    expect(page2.items).toHaveLength(2);
  });

  it('finds an item listed a moment ago when asked with after', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/items/new-kettle',
      headers: auth('ingest'),
      payload: { title: 'Copper kettle', categoryPath: ['Home', 'Kitchen'], price: 40, currency: 'EUR', stock: 3 },
    });
    expect(ids((await search(`q=kettle&after=${put.json().position}`)).json())).toEqual(['new-kettle']);
  });

  it.each([
    ['q=' + 'x'.repeat(201), /^query\.q/],
    ['q=shoes&limit=-1', /^query\.limit/],
    ['q=shoes&minPrice=5&maxPrice=1', /^query\.maxPrice/],
    ['limit=5', /^query\.q/],
    ['q=shoes&sort=price', /sort/],
  ])('400s %s naming the parameter', async (query, message) => {
    const res = await search(query);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
  });
});
