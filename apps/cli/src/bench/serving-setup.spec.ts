import { SeededRandom } from '@pulse/testing/synthetic/shop/random';
import { bootstrapCtr, cycle, median, parseSizes, wilsonInterval, withTypo } from './serving-setup';

describe('serving benchmark helpers', () => {
  it('takes the median of odd and even counts, NaN of nothing', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('parses catalog sizes with k and m suffixes', () => {
    expect(parseSizes('10000,100000')).toEqual([10_000, 100_000]);
    expect(parseSizes('10k, 100k,1m')).toEqual([10_000, 100_000, 1_000_000]);
    expect(parseSizes('1e5')).toEqual([100_000]);
    expect(() => parseSizes('ten')).toThrow("not a catalog size: 'ten'");
    expect(() => parseSizes('0')).toThrow(RangeError);
    expect(() => parseSizes('1.5')).toThrow(RangeError);
  });

  it('cycles through a request mix both ways', () => {
    const at = cycle(['a', 'b', 'c']);
    expect([0, 1, 2, 3, 4].map(at)).toEqual(['a', 'b', 'c', 'a', 'b']);
    expect([-1, -2, -3, -4].map(at)).toEqual(['c', 'b', 'a', 'c']);
  });

  describe('wilsonInterval', () => {
    it('matches the textbook value', () => {
      // 10 of 100: 95% Wilson interval 0.0552 .. 0.1744.
      const [lo, hi] = wilsonInterval(10, 100);
      expect(lo).toBeCloseTo(0.0552, 4);
      expect(hi).toBeCloseTo(0.1744, 4);
    });

    it('stays inside 0..1 at the edges', () => {
      const [lo0, hi0] = wilsonInterval(0, 50);
      expect(lo0).toBe(0);
      expect(hi0).toBeGreaterThan(0);
      const [lo1, hi1] = wilsonInterval(50, 50);
      expect(hi1).toBe(1);
      expect(lo1).toBeLessThan(1);
      expect(wilsonInterval(0, 0)).toEqual([NaN, NaN]);
    });
  });

  describe('bootstrapCtr', () => {
    const lists = (n: number, impressions: number, clicks: (i: number) => number) =>
      Array.from({ length: n }, (_, i) => ({ impressions, clicks: clicks(i) }));

    it('gives the point estimates exactly and intervals around them', () => {
      const a = lists(400, 10, (i) => (i % 5 === 0 ? 2 : 0)); // CTR 0.04
      const b = lists(400, 10, (i) => (i % 10 === 0 ? 1 : 0)); // CTR 0.01
      const result = bootstrapCtr(a, b, 1000, new SeededRandom(3));
      expect(result.a.ctr).toBeCloseTo(0.04, 10);
      expect(result.b.ctr).toBeCloseTo(0.01, 10);
      expect(result.ratio.ctr).toBeCloseTo(4, 10);
      expect(result.a.ci[0]).toBeLessThan(0.04);
      expect(result.a.ci[1]).toBeGreaterThan(0.04);
      expect(result.ratio.ci[0]).toBeGreaterThan(2);
      expect(result.ratio.ci[1]).toBeLessThan(8);
    });

    it('is wider than the binomial interval when clicks cluster in lists', () => {
      // Same CTR, but all of a list's clicks come together: fewer independent observations.
      const clustered = lists(200, 10, (i) => (i % 10 === 0 ? 5 : 0)); // 0.05
      const spreadOut = lists(200, 10, (i) => (i % 2 === 0 ? 1 : 0)); // 0.05
      const random = new SeededRandom(1);
      const c = bootstrapCtr(clustered, [], 2000, random).a.ci;
      const s = bootstrapCtr(spreadOut, [], 2000, random).a.ci;
      expect(c[1] - c[0]).toBeGreaterThan(1.5 * (s[1] - s[0]));
      const [wlo, whi] = wilsonInterval(100, 2000);
      expect(c[1] - c[0]).toBeGreaterThan(whi - wlo);
    });

    it('is reproducible for a seed', () => {
      const a = lists(50, 10, (i) => i % 3);
      const one = bootstrapCtr(a, a, 200, new SeededRandom(9));
      const two = bootstrapCtr(a, a, 200, new SeededRandom(9));
      expect(one).toEqual(two);
    });
  });

  describe('withTypo', () => {
    it('makes one small slip in a Latin word of 5+ letters, never in the first letter', () => {
      const random = new SeededRandom(7);
      for (let i = 0; i < 200; i++) {
        const typo = withTypo('sneaker', random);
        expect(typo).not.toBe('sneaker');
        expect(typo[0]).toBe('s');
        expect(Math.abs(typo.length - 'sneaker'.length)).toBeLessThanOrEqual(1);
      }
    });

    it('leaves short and non-Latin words alone', () => {
      const random = new SeededRandom(7);
      expect(withTypo('shoe', random)).toBe('shoe');
      expect(withTypo('越野跑鞋', random)).toBe('越野跑鞋');
      expect(withTypo('non-slip', random)).toBe('non-slip');
    });
  });
});
