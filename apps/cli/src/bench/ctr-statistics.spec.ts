import { SeededRandom } from '@pulse/testing/synthetic/shop/random';
import { bootstrapCtr, ctrOf, percentileInterval, wilsonInterval } from './ctr-statistics';

const lists = (n: number, impressions: number, clicks: (i: number) => number) =>
  Array.from({ length: n }, (_, i) => ({ impressions, clicks: clicks(i) }));

describe('CTR statistics', () => {
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

  it('pools clicks over impressions, not the mean of per-list CTRs', () => {
    expect(ctrOf([{ impressions: 10, clicks: 1 }, { impressions: 30, clicks: 1 }])).toBe(0.05);
    expect(ctrOf([])).toBeNaN();
  });

  it('takes the 2.5% and 97.5% points and ignores non-finite values', () => {
    const values = [...Array.from({ length: 1000 }, (_, i) => i), NaN, Infinity];
    expect(percentileInterval(values)).toEqual([25, 975]);
    expect(percentileInterval([NaN])).toEqual([NaN, NaN]);
  });

  describe('bootstrapCtr', () => {
    it('gives exact point estimates, and intervals for both arms, difference and ratio around them', () => {
      const a = lists(400, 10, (i) => (i % 5 === 0 ? 2 : 0)); // CTR 0.04
      const b = lists(400, 10, (i) => (i % 10 === 0 ? 1 : 0)); // CTR 0.01
      const result = bootstrapCtr(a, b, 1000, new SeededRandom(3));
      expect(result.a.value).toBeCloseTo(0.04, 10);
      expect(result.b.value).toBeCloseTo(0.01, 10);
      expect(result.difference.value).toBeCloseTo(0.03, 10);
      expect(result.ratio.value).toBeCloseTo(4, 10);
      expect(result.a.ci[0]).toBeLessThan(0.04);
      expect(result.a.ci[1]).toBeGreaterThan(0.04);
      expect(result.difference.ci[0]).toBeGreaterThan(0.015);
      expect(result.difference.ci[0]).toBeLessThan(0.03);
      expect(result.difference.ci[1]).toBeGreaterThan(0.03);
      expect(result.difference.ci[1]).toBeLessThan(0.045);
      expect(result.ratio.ci[0]).toBeGreaterThan(2);
      expect(result.ratio.ci[1]).toBeLessThan(8);
    });

    it('gives a difference interval that straddles zero when the arms are the same', () => {
      const a = lists(300, 10, (i) => (i % 4 === 0 ? 1 : 0));
      const { difference } = bootstrapCtr(a, a, 1000, new SeededRandom(5));
      expect(difference.value).toBe(0);
      expect(difference.ci[0]).toBeLessThan(0);
      expect(difference.ci[1]).toBeGreaterThan(0);
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
      expect(bootstrapCtr(a, a, 200, new SeededRandom(9))).toEqual(bootstrapCtr(a, a, 200, new SeededRandom(9)));
    });
  });
});
