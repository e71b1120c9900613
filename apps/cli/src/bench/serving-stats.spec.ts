import { cycle, median, medianOfRounds, medianRatio, parseSizes } from './serving-stats';

describe('serving benchmark statistics', () => {
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
    expect(() => parseSizes(' , ')).toThrow('no catalog size given');
  });

  it('cycles through a request mix both ways', () => {
    const at = cycle(['a', 'b', 'c']);
    expect([0, 1, 2, 3, 4].map(at)).toEqual(['a', 'b', 'c', 'a', 'b']);
    expect([-1, -2, -3, -4].map(at)).toEqual(['c', 'b', 'a', 'c']);
  });

  it('takes each figure’s median over the rounds, so one disturbed round does not move it', () => {
    const rounds = [
      { p50: 2, p99: 10, requestsPerSecond: 500 },
      { p50: 40, p99: 300, requestsPerSecond: 30 }, // another job took the cores
      { p50: 3, p99: 12, requestsPerSecond: 450 },
    ];
    expect(medianOfRounds(rounds)).toEqual({ p50: 3, p99: 12, requestsPerSecond: 450 });
  });

  it('pairs ratios by round before taking their median', () => {
    // The route is 2× the baseline in every round although the machine's speed varies 10×:
    // the paired ratio says 2; a ratio of separate medians would say 20/3.
    const route = [
      { p50: 2, p99: 4, requestsPerSecond: 100 },
      { p50: 20, p99: 40, requestsPerSecond: 10 },
      { p50: 40, p99: 80, requestsPerSecond: 5 },
    ];
    const baseline = [
      { p50: 1, p99: 2, requestsPerSecond: 300 },
      { p50: 3, p99: 6, requestsPerSecond: 200 },
      { p50: 20, p99: 40, requestsPerSecond: 10 },
    ];
    expect(medianRatio(route, baseline, 'p50')).toBe(2);
    expect(medianRatio(baseline, route, 'requestsPerSecond')).toBe(3);
    expect(() => medianRatio(route, baseline.slice(1), 'p50')).toThrow('rounds differ');
  });
});
