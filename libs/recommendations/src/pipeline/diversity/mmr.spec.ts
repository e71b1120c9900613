import { categoryPathOverlap, itemSimilarity } from './item-similarity';
import { mmrLambda, MmrSelector, type MmrEntry } from './mmr';

const entry = (itemId: string, relevance: number, path: string[], brand = ''): MmrEntry => ({
  itemId,
  relevance,
  facts: { categoryPath: path, brand },
});

const order = (entries: MmrEntry[], lambda: number) => {
  const selector = new MmrSelector(entries, lambda);
  const picked: { id: string; value: number }[] = [];
  for (let index = selector.next(); index !== -1; index = selector.next()) {
    picked.push({ id: entries[index]!.itemId, value: selector.choose(index) });
  }
  return picked;
};

describe('similarity', () => {
  it('measures category path overlap over the deeper path, plus brand', () => {
    expect(categoryPathOverlap(['Shoes', 'Running'], ['Shoes', 'Running'])).toBe(1);
    expect(categoryPathOverlap(['Shoes', 'Running'], ['Shoes', 'Hiking'])).toBe(0.5);
    expect(categoryPathOverlap(['Shoes'], ['Shoes', 'Running', 'Trail'])).toBeCloseTo(1 / 3);
    expect(categoryPathOverlap(['Shoes'], ['Audio'])).toBe(0);
    const a = { categoryPath: ['Shoes', 'Running'], brand: 'Stride' };
    expect(itemSimilarity(a, { categoryPath: ['Shoes', 'Running'], brand: 'Stride' })).toBe(1);
    expect(itemSimilarity(a, { categoryPath: ['Audio'], brand: 'Stride' })).toBe(0.25);
    expect(itemSimilarity({ ...a, brand: '' }, { categoryPath: ['Audio'], brand: '' })).toBe(0);
  });
});

describe('MMR', () => {
  const entries = [
    entry('run-a', 1.0, ['Shoes', 'Running'], 'Stride'),
    entry('run-b', 0.9, ['Shoes', 'Running'], 'Stride'),
    entry('run-c', 0.85, ['Shoes', 'Running'], 'Swift'),
    entry('audio', 0.6, ['Audio'], 'Sonic'),
  ];

  it('keeps relevance order at diversity 0', () => {
    expect(mmrLambda(0)).toBe(1);
    expect(order(entries, 1).map((p) => p.id)).toEqual(['run-a', 'run-b', 'run-c', 'audio']);
  });

  it('moves a dissimilar item up as diversity grows, and never lets the values rise', () => {
    const picked = order(entries, mmrLambda(1));
    expect(picked.map((p) => p.id)).toEqual(['run-a', 'audio', 'run-c', 'run-b']);
    const values = picked.map((p) => p.value);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(values[0]).toBe(1);
  });

  it('breaks ties by relevance, then item id, whatever the input order', () => {
    const tied = [entry('b', 0.5, ['X']), entry('a', 0.5, ['Y'])];
    expect(order(tied, 1).map((p) => p.id)).toEqual(['a', 'b']);
    expect(order([...tied].reverse(), 1).map((p) => p.id)).toEqual(['a', 'b']);
  });
});
