import { examination } from './click.model';
import { SyntheticShop } from './synthetic-shop';

describe('click model', () => {
  const shop = new SyntheticShop({ seed: 21, items: 3000, shoppers: 300 });
  const shoppers = Array.from({ length: 100 }, (_, i) => `customer-${String(i).padStart(6, '0')}`);
  const inStock = shop.catalog.items.filter((i) => i.stock > 0);

  it('looks at lower positions less', () => {
    expect(examination(0)).toBe(1);
    for (let p = 1; p < 20; p++) expect(examination(p)).toBeLessThan(examination(p - 1));
  });

  it('makes items of a shopper’s favourite categories far more clickable than others', () => {
    let favourite = 0;
    let elsewhere = 0;
    for (const id of shoppers) {
      const prefs = shop.preferenceOf(id)!;
      const roots = prefs.roots.map((r) => r.key);
      const topLeaf = prefs.leaves[0]!.key;
      const inLeaf = inStock.filter((i) => i.leaf.key === topLeaf).slice(0, 10);
      const outside = inStock.filter((i) => !roots.includes(i.leaf.path[0])).slice(0, 10);
      favourite += mean(inLeaf.map((i) => shop.clickProbability(id, i.id)));
      elsewhere += mean(outside.map((i) => shop.clickProbability(id, i.id)));
    }
    expect(favourite / elsewhere).toBeGreaterThan(6);
  });

  it('rewards a list ranked by the shopper’s interests over the most popular items (the CTR gap personalisation should find)', () => {
    // The catalog's most popular items: the top of each leaf, by popularity.
    const popular = [...inStock]
      .sort((a, b) => b.popularity - a.popularity)
      .slice(0, 10)
      .map((i) => i.id);
    let personalised = 0;
    let popularity = 0;
    for (const id of shoppers.slice(0, 40)) {
      const ranked = inStock
        .map((i) => ({ id: i.id, score: shop.relevance(id, i.id) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 10)
        .map((i) => i.id);
      personalised += shop.expectedClicks(id, ranked);
      popularity += shop.expectedClicks(id, popular);
    }
    expect(personalised / popularity).toBeGreaterThan(3);
  });

  it('hardly ever clicks sold-out items', () => {
    const soldOut = shop.catalog.items.find((i) => i.stock === 0)!;
    expect(shop.clickProbability(shoppers[0]!, soldOut.id)).toBeLessThan(0.01);
  });

  it('draws clicks at the modelled rate', () => {
    const item = inStock[0]!.id;
    const p = shop.clickProbability(shoppers[1]!, item, 0);
    let clicks = 0;
    for (let i = 0; i < 20_000; i++) if (shop.wouldClick(shoppers[1]!, item, 0)) clicks++;
    expect(clicks / 20_000).toBeCloseTo(p, 1);
  });

  it('refuses shoppers and items it does not know', () => {
    expect(shop.preferenceOf('nobody')).toBeUndefined();
    expect(() => shop.clickProbability('nobody', inStock[0]!.id)).toThrow(
      "unknown shopper 'nobody'",
    );
    expect(() => shop.clickProbability(shoppers[0]!, 'nothing')).toThrow("unknown item 'nothing'");
  });
});

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
