import { coverage, gini } from './exposure';

describe('gini', () => {
  it('is 0 for equal exposure and for no exposure at all', () => {
    expect(gini([5, 5, 5, 5])).toBe(0);
    expect(gini([0, 0, 0])).toBe(0);
    expect(gini([])).toBe(0);
  });

  it('is (n-1)/n when one item takes everything', () => {
    expect(gini([0, 0, 0, 12])).toBeCloseTo(3 / 4, 12);
  });

  it('matches a hand-computed case regardless of order', () => {
    // x = 1,2,3,4: Σx=10, Σ i·x = 1+4+9+16 = 30 → 2·30/(4·10) − 5/4 = 1.5 − 1.25 = 0.25
    expect(gini([4, 1, 3, 2])).toBeCloseTo(0.25, 12);
  });

  it('refuses negative counts', () => {
    expect(() => gini([1, -1])).toThrow(RangeError);
  });
});

describe('coverage', () => {
  it('is the exposed share of the catalog, capped at 1', () => {
    expect(coverage(25, 100)).toBe(0.25);
    expect(coverage(120, 100)).toBe(1);
    expect(coverage(0, 0)).toBe(0);
  });
});
