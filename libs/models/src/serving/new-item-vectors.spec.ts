import type { ItemContent } from '@pulse/ml/datasets/item-features';
import type { ItemRef } from '@pulse/ml/models/two-tower/two-tower.recommender';
import type { ContentEmbedder } from './content-embedder';
import { NewItemVectors } from './new-item-vectors';

/** A 2-d "item tower": [price, number of title tokens]; counts the items it embedded. */
function priceTower(): ContentEmbedder & { embedded: number } {
  const tower = {
    dimension: 2,
    embedded: 0,
    embedItems(items: readonly ItemRef[]): Float32Array {
      tower.embedded += items.length;
      return Float32Array.from(items.flatMap((i) => (typeof i === 'number' ? [i, 0] : [i.price ?? 0, i.titleTokens?.length ?? 0])));
    },
    embedShopper: () => new Float32Array(2),
  };
  return tower;
}

const item = (price: number, ...titleTokens: string[]): ItemContent => ({ categoryPath: ['Shoes'], brand: 'Acme', price, titleTokens });

describe('NewItemVectors', () => {
  it('embeds each item once, again only when its content changed, in one call per add', () => {
    const tower = priceTower();
    const vectors = new NewItemVectors(tower, 10);
    expect(vectors.add([['a', item(10, 'x')], ['b', item(20)]])).toBe(2);
    expect(vectors.add([['a', item(10, 'x')], ['b', item(20)]])).toBe(0);
    expect(tower.embedded).toBe(2);
    expect(vectors.add([['a', item(12, 'x')], ['b', item(20)]])).toBe(1);
    expect(Array.from(vectors.get('a')!.vector)).toEqual([12, 1]);
    expect(Array.from(vectors.get('b')!.vector)).toEqual([20, 0]);
  });

  it('forgets the least recently added items beyond its capacity', () => {
    const vectors = new NewItemVectors(priceTower(), 2);
    vectors.add([['a', item(1)], ['b', item(2)]]);
    vectors.add([['a', item(3)]]); // refreshed: now the newest
    vectors.add([['c', item(4)]]);
    expect([...vectors.all()].map(([id]) => id)).toEqual(['a', 'c']);
    expect(vectors.get('b')).toBeUndefined();
    expect(() => new NewItemVectors(priceTower(), 0)).toThrow(/capacity/);
  });
});
