import { generateSearchCatalog } from './search-catalog.generator';
import { SearchIndex } from './search-index';
import type { SearchableItem, SearchOptions } from './search.types';

function item(
  itemId: string,
  fields: Partial<Omit<SearchableItem, 'itemId'>> & { title: string },
): SearchableItem {
  return {
    itemId,
    description: '',
    brand: '',
    categoryPath: ['Misc'],
    price: 10,
    currency: 'EUR',
    inStock: true,
    status: 'active',
    ...fields,
  };
}

const ids = (index: SearchIndex, query: string, options: SearchOptions = {}) =>
  index.search(query, { limit: 100, ...options }).hits.map((hit) => hit.itemId);

/** Small enough to check every count by hand. */
const SHOP: SearchableItem[] = [
  item('a1', {
    title: 'Nike Air Zoom running shoes',
    description: 'Lightweight shoes for road running.',
    brand: 'Nike',
    categoryPath: ['Shoes', 'Running'],
    price: 120,
  }),
  item('a2', {
    title: 'Speedcross trail runner',
    description: 'Grippy running shoes for muddy trails.',
    brand: 'Salomon',
    categoryPath: ['Shoes', 'Running', 'Trail'],
    price: 140,
    inStock: false,
  }),
  item('a3', {
    title: 'Leather boots',
    description: 'Waterproof leather boots with a thick sole.',
    brand: 'Dr. Martens',
    categoryPath: ['Shoes', 'Boots'],
    price: 180,
  }),
  item('a4', {
    title: 'Running socks, 3 pairs',
    description: 'Breathable cotton socks.',
    brand: 'Nike',
    categoryPath: ['Clothing', 'Socks'],
    price: 12,
  }),
  item('z1', {
    title: '红色跑步鞋',
    description: '轻便透气，适合日常训练',
    brand: '李宁',
    categoryPath: ['鞋类', '运动鞋'],
    price: 59,
  }),
  item('z2', {
    title: '男士跑鞋',
    description: '缓震耐磨',
    brand: '安踏',
    categoryPath: ['鞋类', '运动鞋'],
    price: 89,
  }),
  item('z3', {
    title: '女款羽绒服',
    description: '冬季保暖外套',
    brand: '波司登',
    categoryPath: ['服装', '外套'],
    price: 399,
  }),
  item('d1', {
    title: 'Running shoes, old model',
    description: 'No longer sold.',
    brand: 'Nike',
    categoryPath: ['Shoes', 'Running'],
    price: 60,
    status: 'delisted',
  }),
];

function shop(): SearchIndex {
  const index = new SearchIndex();
  index.upsertAll(SHOP);
  return index;
}

describe('SearchIndex ranking (BM25F)', () => {
  const index = new SearchIndex();
  index.upsertAll([
    item('title', { title: 'alpha kettle', description: 'steel body with a lid and handle' }),
    item('description', { title: 'steel kettle', description: 'alpha body with a lid and handle' }),
    item('thrice', { title: 'mug', description: 'beta beta beta cup saucer' }),
    item('once', { title: 'mug', description: 'beta plate cup saucer bowl' }),
    item('short', { title: 'gamma lamp', description: 'light' }),
    item('long', { title: 'gamma lamp with shade bulb cable and switch', description: 'light' }),
  ]);

  it('ranks a term in the title above the same term only in the description', () => {
    expect(ids(index, 'alpha')).toEqual(['title', 'description']);
  });

  it('ranks more occurrences higher', () => {
    expect(ids(index, 'beta')).toEqual(['thrice', 'once']);
  });

  it('ranks the shorter field higher for the same occurrences', () => {
    expect(ids(index, 'gamma')).toEqual(['short', 'long']);
  });

  it('weights rarer terms more: an item matching the rare word of the query wins', () => {
    const result = index.search('kettle alpha');
    expect(result.hits.map((h) => h.itemId)).toEqual(['title', 'description']);
    expect(result.hits[0].score).toBeGreaterThan(result.hits[1].score);
  });

  it('requires every query word', () => {
    expect(ids(index, 'gamma shade')).toEqual(['long']);
  });

  it('saturates: ten repetitions score less than ten times one', () => {
    const repeated = new SearchIndex();
    repeated.upsertAll([
      item('one', { title: 'plate', description: 'delta x y z' }),
      item('ten', { title: 'plate', description: Array(10).fill('delta').join(' ') }),
      item('none', { title: 'plate', description: 'x y z w' }),
    ]);
    const [ten, one] = repeated.search('delta').hits;
    expect(ten.itemId).toBe('ten');
    expect(ten.score).toBeLessThan(one.score * 3);
  });
});

describe('SearchIndex text matching', () => {
  const index = shop();

  it('explains which terms matched in which fields', () => {
    const [hit] = index.search('nike air').hits;
    expect(hit.itemId).toBe('a1');
    expect(hit.matched).toEqual({ terms: ['nike', 'air'], fields: ['title', 'brand'] });
  });

  it('finds Chinese titles by segmenter words', () => {
    expect(ids(index, '跑步鞋')).toEqual(['z1']);
    expect(index.search('跑步鞋').hits[0].matched).toEqual({
      terms: ['跑步鞋'],
      fields: ['title', 'category'], // 鞋 of 鞋类
    });
  });

  it('finds Chinese partial words through characters, exact words first', () => {
    // 跑鞋 is one word in z2; z1 says 跑步鞋, which shares only the characters.
    expect(ids(index, '跑鞋')).toEqual(['z2', 'z1']);
    expect(index.search('跑鞋').hits[1].matched.terms).toEqual(['跑', '鞋']);
  });

  it('finds Chinese words the segmenter splits into characters', () => {
    expect(ids(index, '羽绒服')).toEqual(['z3']);
    expect(ids(index, '鞋')).toEqual(['z1', 'z2']);
  });

  it('finds items by mixed English and Chinese queries', () => {
    expect(ids(index, '李宁 跑步')).toEqual(['z1']);
    const mixed = new SearchIndex();
    mixed.upsertAll([
      item('m1', { title: 'Nike 男士跑鞋' }),
      item('m2', { title: 'Adidas 跑鞋' }),
      item('m3', { title: 'Nike running shoes' }),
    ]);
    expect(ids(mixed, 'nike 跑鞋')).toEqual(['m1']);
    expect(ids(mixed, 'Nike跑鞋')).toEqual(['m1']);
    expect(mixed.search('nike 跑鞋').hits[0].matched.terms).toEqual(['nike', '跑鞋']);
  });

  it('completes the last word being typed', () => {
    expect(ids(index, 'runn')).toEqual(expect.arrayContaining(['a1', 'a2', 'a4']));
    expect(ids(index, 'running sh')).toEqual(['a1', 'a2']);
    const [hit] = index.search('leather bo').hits;
    expect(hit.matched.completions).toEqual([{ from: 'bo', to: 'boots' }]);
  });

  it('does not complete a word followed by a separator', () => {
    expect(index.search('runn ').total).toBe(0);
    expect(index.search('runn', { prefix: false }).total).toBe(0);
  });

  it('completes a stopword being typed as the whole query', () => {
    // "with" is a stopword; "wi" is not, and "with" itself is never indexed.
    const catalog = new SearchIndex();
    catalog.upsert(item('w', { title: 'Winter jacket' }));
    expect(ids(catalog, 'w')).toEqual(['w']);
    expect(ids(catalog, 'the ')).toEqual(['w']); // nothing left to search: browse
  });

  it('corrects typos to catalog words, with a score penalty', () => {
    const typo = index.search('shose');
    // a3 is a boot, but in category "Shoes".
    expect(typo.hits.map((h) => h.itemId)).toEqual(['a1', 'a2', 'a3']);
    expect(typo.hits[0].matched.typoCorrections).toEqual([{ from: 'shose', to: 'shoes' }]);
    expect(typo.hits[0].score).toBeLessThan(index.search('shoes').hits[0].score);

    expect(ids(index, 'runing')).toEqual(expect.arrayContaining(['a1', 'a2', 'a4']));
    expect(index.search('runing').hits[0].matched.typoCorrections).toEqual([
      { from: 'runing', to: 'running' },
    ]);
  });

  it('allows two edits from eight letters, one from four, none below', () => {
    expect(ids(index, 'watrprooof')).toEqual(['a3']); // 10 letters, 2 edits
    expect(ids(index, 'watrprooof', { typos: false })).toEqual([]);
    expect(ids(index, 'lether')).toEqual(['a3']); // 6 letters, 1 edit
    expect(ids(index, 'lethr')).toEqual([]); // 5 letters, 2 edits
    expect(ids(index, 'sok ')).toEqual([]); // 3 letters: never corrected
  });

  it('never corrects numbers', () => {
    const catalog = new SearchIndex();
    catalog.upsert(item('n', { title: 'Size 4242 sneakers' }));
    expect(ids(catalog, '4243 ')).toEqual([]);
  });

  it('also corrects a known but rare word towards a much more frequent one', () => {
    const catalog = new SearchIndex();
    catalog.upsertAll([
      item('typo', { title: 'Leater wallet' }),
      ...Array.from({ length: 6 }, (_, i) => item(`l${i}`, { title: `Leather belt ${i}` })),
    ]);
    const result = catalog.search('leater ');
    expect(result.total).toBe(7);
    expect(result.hits[0].itemId).toBe('typo'); // the exact word still wins
  });

  it('falls back to items matching some of the words, more words first', () => {
    const result = index.search('nike socks xyzzyq');
    expect(result.partial).toBe(true);
    expect(result.hits.map((h) => h.itemId)).toEqual(['a4', 'a1']);
    expect(index.search('nike socks').partial).toBeUndefined();
  });
});

describe('SearchIndex filters and facets', () => {
  const index = shop();

  it('shows active items only, unless asked', () => {
    expect(ids(index, 'running shoes')).toEqual(['a1', 'a2']);
    expect(ids(index, 'running shoes', { filters: { status: 'delisted' } })).toEqual(['d1']);
    expect(ids(index, 'running shoes', { filters: { status: 'any' } }).sort()).toEqual([
      'a1',
      'a2',
      'd1',
    ]);
  });

  it('filters by category at any level, brand, price, stock and currency', () => {
    expect(ids(index, '', { filters: { categoryKey: 'Shoes' } })).toEqual(['a1', 'a2', 'a3']);
    expect(ids(index, '', { filters: { categoryKey: 'Shoes>Running' } })).toEqual(['a1', 'a2']);
    expect(ids(index, '', { filters: { categoryKey: ['Shoes>Boots', 'Clothing'] } })).toEqual([
      'a3',
      'a4',
    ]);
    expect(ids(index, 'running', { filters: { brand: 'NIKE' } })).toEqual(['a1', 'a4']);
    expect(ids(index, '', { filters: { minPrice: 59, maxPrice: 120 } })).toEqual([
      'a1',
      'z1',
      'z2',
    ]);
    expect(ids(index, 'shoes', { filters: { inStock: false } })).toEqual(['a2']);
    expect(ids(index, 'shoes', { filters: { currency: 'USD' } })).toEqual([]);
    expect(ids(index, 'shoes', { filters: { brand: 'Unknown brand' } })).toEqual([]);
    expect(ids(index, '', { filters: { categoryKey: 'Nowhere' } })).toEqual([]);
  });

  it('counts facets over every matched item', () => {
    const result = index.search('running', { facets: true, limit: 1 });
    // a1 (title), a2 (description, category), a4 (title); d1 is delisted.
    expect(result.total).toBe(3);
    expect(result.hits).toHaveLength(1);
    expect(result.facets!.categories).toEqual([
      { key: 'Shoes', name: 'Shoes', level: 0, count: 2 },
      { key: 'Clothing', name: 'Clothing', level: 0, count: 1 },
      { key: 'Shoes>Running', name: 'Running', level: 1, count: 2 },
      { key: 'Clothing>Socks', name: 'Socks', level: 1, count: 1 },
      { key: 'Shoes>Running>Trail', name: 'Trail', level: 2, count: 1 },
    ]);
    expect(result.facets!.brands).toEqual([
      { brand: 'Nike', count: 2 },
      { brand: 'Salomon', count: 1 },
    ]);
    expect(result.facets!.priceRanges).toEqual([
      { from: 0, to: 10, count: 0 },
      { from: 10, to: 25, count: 1 },
      { from: 25, to: 50, count: 0 },
      { from: 50, to: 100, count: 0 },
      { from: 100, to: 250, count: 2 },
      { from: 250, to: 500, count: 0 },
      { from: 500, to: 1000, count: 0 },
      { from: 1000, count: 0 },
    ]);
    expect(result.facets!.inStock).toEqual({ inStock: 2, outOfStock: 1 });
  });

  it('counts facets after filters', () => {
    const { facets, total } = index.search('running', {
      facets: true,
      filters: { categoryKey: 'Shoes' },
    });
    expect(total).toBe(2);
    expect(facets!.brands).toEqual([
      { brand: 'Nike', count: 1 },
      { brand: 'Salomon', count: 1 },
    ]);
    expect(facets!.inStock).toEqual({ inStock: 1, outOfStock: 1 });
  });

  it('browses every active item on an empty query, by itemId', () => {
    const result = index.search('  ', { facets: true });
    expect(result.hits.map((h) => h.itemId)).toEqual(['a1', 'a2', 'a3', 'a4', 'z1', 'z2', 'z3']);
    expect(result.facets!.brands).toHaveLength(6);
  });

  it('uses custom price buckets', () => {
    const custom = new SearchIndex({ priceBuckets: [100] });
    custom.upsertAll(SHOP);
    expect(custom.search('', { facets: true }).facets!.priceRanges).toEqual([
      { from: 0, to: 100, count: 3 },
      { from: 100, count: 4 },
    ]);
  });

  it('rejects nonsense paging', () => {
    expect(() => index.search('x', { offset: -1 })).toThrow(RangeError);
    expect(() => index.search('x', { limit: 1.5 })).toThrow(RangeError);
    expect(() => index.search('x', { filters: { minPrice: NaN } })).toThrow(RangeError);
  });
});

describe('SearchIndex updates', () => {
  it('reflects text changes immediately', () => {
    const index = shop();
    index.upsert({ ...SHOP[2], title: 'Leather chelsea boots' });
    expect(ids(index, 'chelsea')).toEqual(['a3']);
    index.upsert({ ...SHOP[2], title: 'Suede loafers', description: 'Soft suede.' });
    expect(ids(index, 'chelsea')).toEqual([]);
    expect(ids(index, 'leather')).toEqual([]);
    expect(ids(index, 'loafers')).toEqual(['a3']);
    expect(index.size).toBe(SHOP.length);
  });

  it('reflects price, stock and status changes without re-indexing', () => {
    const index = shop();
    const before = index.stats();
    index.upsert({ ...SHOP[0], price: 20, inStock: false });
    expect(index.stats()).toEqual(before);
    expect(ids(index, 'zoom', { filters: { maxPrice: 50 } })).toEqual(['a1']);
    expect(ids(index, 'zoom', { filters: { inStock: true } })).toEqual([]);
    // With several words, nothing left matching all of them means a partial match.
    const partial = index.search('running shoes', { filters: { inStock: true } });
    expect(partial.partial).toBe(true);
    expect(partial.hits.map((h) => h.itemId)).not.toContain('a1');
  });

  it('never matches a delisted or removed item', () => {
    const index = shop();
    index.upsert({ ...SHOP[0], status: 'delisted' });
    expect(ids(index, 'nike')).toEqual(['a4']);
    expect(ids(index, 'zoom')).toEqual([]);
    index.upsert(SHOP[0]); // listed again
    expect(ids(index, 'zoom')).toEqual(['a1']);

    expect(index.remove('a1')).toBe(true);
    expect(index.remove('a1')).toBe(false);
    expect(index.has('a1')).toBe(false);
    expect(ids(index, 'zoom')).toEqual([]);
    expect(ids(index, 'zoom', { filters: { status: 'any' } })).toEqual([]);
    expect(ids(index, 'zoo')).toEqual([]); // nor by completion
    expect(ids(index, 'zoomm')).toEqual([]); // nor by correction
    expect(index.search('', { facets: true }).facets!.brands).toContainEqual({
      brand: 'Nike',
      count: 1,
    });
  });

  it('scores an updated index like one built from scratch, before and after compaction', () => {
    const { items } = generateSearchCatalog({ items: 200, seed: 3 });
    const updated = new SearchIndex();
    updated.upsertAll(items);
    const final = new Map(items.map((i) => [i.itemId, i]));
    items.forEach((it, i) => {
      if (i % 3 === 0) {
        const changed = { ...it, title: `${it.title} limited edition`, description: 'renewed' };
        updated.upsert(changed);
        final.set(it.itemId, changed);
      } else if (i % 7 === 0) {
        updated.remove(it.itemId);
        final.delete(it.itemId);
      }
    });
    const fresh = new SearchIndex();
    fresh.upsertAll(final.values());
    expect(updated.stats().deadPostings).toBeGreaterThan(0);

    const queries = ['limited edition', 'shoes', 'red jacket', 'runn', 'blak', '跑鞋', '耳机', ''];
    const compare = () => {
      for (const query of queries) {
        const a = updated.search(query, { limit: 50, facets: true });
        const b = fresh.search(query, { limit: 50, facets: true });
        expect(a.total).toBe(b.total);
        expect(a.facets).toEqual(b.facets);
        expect(a.hits.map((h) => h.itemId)).toEqual(b.hits.map((h) => h.itemId));
        a.hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(b.hits[i].score, 9));
      }
    };
    compare();
    updated.compact();
    expect(updated.stats()).toEqual(fresh.stats());
    compare();
    // Still writable after renumbering.
    updated.upsert(item('new', { title: 'brand new samovar' }));
    updated.remove('item-0000001');
    expect(ids(updated, 'samovar')).toEqual(['new']);
    expect(updated.has('item-0000001')).toBe(false);
  });
});

describe('SearchIndex pagination and determinism', () => {
  const twins = Array.from({ length: 25 }, (_, i) =>
    item(`t${String(24 - i).padStart(2, '0')}`, { title: 'identical twin lamp' }),
  );

  it('pages through all hits with a stable total', () => {
    const index = new SearchIndex();
    index.upsertAll(twins);
    const all = ids(index, 'lamp');
    expect(all).toHaveLength(25);
    const pages = [0, 10, 20].map((offset) => index.search('lamp', { offset, limit: 10 }));
    expect(pages.map((p) => p.total)).toEqual([25, 25, 25]);
    expect(pages.map((p) => p.hits.length)).toEqual([10, 10, 5]);
    expect(pages.flatMap((p) => p.hits.map((h) => h.itemId))).toEqual(all);
    expect(index.search('lamp', { offset: 30 }).hits).toEqual([]);
    expect(index.search('lamp', { limit: 0 }).total).toBe(25);
  });

  it('breaks score ties by itemId, whatever the insertion order', () => {
    const forward = new SearchIndex();
    forward.upsertAll(twins);
    const backward = new SearchIndex();
    backward.upsertAll([...twins].reverse());
    const expected = twins.map((t) => t.itemId).sort();
    expect(ids(forward, 'twin')).toEqual(expected);
    expect(ids(backward, 'twin')).toEqual(expected);
    expect(ids(forward, 'twin', { limit: 3 })).toEqual(expected.slice(0, 3));
  });

  it('returns the same result for the same query and catalog', () => {
    const { items } = generateSearchCatalog({ items: 150, seed: 5 });
    const a = new SearchIndex();
    a.upsertAll(items);
    const b = new SearchIndex();
    b.upsertAll([...items].reverse());
    for (const query of ['blue', 'waterproof jacket', 'sne', 'headphnes', '蓝牙耳机']) {
      expect(a.search(query, { facets: true })).toEqual(b.search(query, { facets: true }));
      expect(a.search(query)).toEqual(a.search(query));
    }
  });
});
