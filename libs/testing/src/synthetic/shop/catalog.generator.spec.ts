import { itemWithId } from '@pulse/catalog/http/item.wire-schema';
import { tokenize } from '@pulse/platform/text/tokenizer';
import { Catalog } from './catalog.generator';

const HAN = /\p{Script=Han}/u;

describe('Catalog', () => {
  // One 10k catalog for the file: building it is the slow part.
  const catalog = new Catalog(1, { items: 10_000 });
  const wire = catalog.items.map((item) => catalog.toWire(item));

  it('has the requested number of items', () => {
    expect(catalog.size).toBe(10_000);
    expect(new Set(catalog.items.map((i) => i.id)).size).toBe(10_000);
  });

  it('spreads them over a three-level tree of 8 departments × 6 categories × 5 leaves', () => {
    const { tree } = catalog;
    expect(tree.roots).toHaveLength(8);
    for (const root of tree.roots) {
      expect(root.mids).toHaveLength(6);
      for (const mid of root.mids) expect(tree.mids[mid]!.leaves).toHaveLength(5);
    }
    expect(tree.leaves).toHaveLength(240);
    expect(wire.filter((item) => item.categoryPath.length !== 3)).toEqual([]);
    // Nearly every leaf has items at this size; popular leaves have more.
    const used = new Set(catalog.items.map((i) => i.leaf.index));
    expect(used.size).toBeGreaterThan(230);
  });

  it('makes every item valid for POST /v1/items/batch', () => {
    const problems: string[] = [];
    for (const item of wire) {
      const parsed = itemWithId.safeParse(item);
      if (!parsed.success) problems.push(`${item.id}: ${parsed.error.message}`);
      // Parsing changes nothing: titles are trimmed and every default is present.
      else if (canonical(parsed.data) !== canonical(item))
        problems.push(`${item.id}: changed by parsing`);
    }
    expect(problems).toEqual([]);
  });

  it('titles a share of items in Chinese, some in both languages', () => {
    const chineseOnly = catalog.items.filter((i) => i.language === 'zh');
    const both = catalog.items.filter((i) => i.language === 'both');
    expect(chineseOnly.length / catalog.size).toBeGreaterThan(0.2);
    expect(both.length / catalog.size).toBeGreaterThan(0.1);
    expect([...chineseOnly, ...both].filter((item) => !HAN.test(item.title))).toEqual([]);
    expect(both.filter((item) => !/[A-Za-z]{3}/.test(item.title))).toEqual([]);
    // The tokenizer segments them into words, e.g. a leaf noun such as 跑步鞋 → 跑步, 鞋.
    const chineseTerms = tokenize(chineseOnly[0]!.title).filter((t) => HAN.test(t));
    expect(chineseTerms.length).toBeGreaterThan(0);
  });

  it('prices items log-normally around their leaf category, so categories differ in price level', () => {
    const byLeaf = new Map<number, number[]>();
    for (const item of catalog.items)
      byLeaf.set(item.leaf.index, [...(byLeaf.get(item.leaf.index) ?? []), Math.log(item.price)]);
    const big = [...byLeaf.entries()].filter(([, prices]) => prices.length >= 60);
    expect(big.length).toBeGreaterThan(20);
    for (const [leaf, logs] of big) {
      const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
      // Within a factor of about 2 of the leaf's typical price (brands shift it).
      expect(Math.abs(mean - Math.log(catalog.tree.leaves[leaf]!.medianPrice))).toBeLessThan(0.7);
    }
    const food = catalog.items.filter((i) => i.leaf.path[0] === 'Food').map((i) => i.price);
    const electronics = catalog.items
      .filter((i) => i.leaf.path[0] === 'Electronics')
      .map((i) => i.price);
    expect(median(electronics)).toBeGreaterThan(3 * median(food));
  });

  it('has some items out of stock', () => {
    const soldOut = catalog.items.filter((i) => i.stock === 0).length / catalog.size;
    expect(soldOut).toBeGreaterThan(0.03);
    expect(soldOut).toBeLessThan(0.08);
  });

  it('has brands that specialise: most brands make items in one or two categories', () => {
    const midsPerBrand = new Map<string, Set<number>>();
    for (const item of catalog.items) {
      if (!item.brand) continue;
      midsPerBrand.set(
        item.brand.name,
        (midsPerBrand.get(item.brand.name) ?? new Set()).add(item.leaf.mid),
      );
    }
    const specialists = [...midsPerBrand.values()].filter((mids) => mids.size <= 2).length;
    expect(specialists / midsPerBrand.size).toBeGreaterThan(0.5);
  });

  it('is the same catalog for the same seed, and a different one for another', () => {
    const wireOf = (c: Catalog) => c.items.map((i) => c.toWire(i));
    const first = new Catalog(1, { items: 300 });
    expect(wireOf(new Catalog(1, { items: 300 }))).toEqual(wireOf(first));
    expect(wireOf(new Catalog(2, { items: 300 }))).not.toEqual(wireOf(first));
  });

  it('grows: new items get the next ids and are drawable in their leaf', () => {
    const growing = new Catalog(5, { items: 200 });
    const added = growing.addItem(Date.UTC(2026, 0, 6));
    expect(added.id).toBe('sku-000200');
    expect(added.listedAt).toBe(Date.UTC(2026, 0, 6));
    expect(growing.itemsIn(added.leaf.index)).toContain(added);
    expect(itemWithId.safeParse(growing.toWire(added)).success).toBe(true);
  });
});

/** JSON with keys sorted at every level: zod returns keys in schema order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
