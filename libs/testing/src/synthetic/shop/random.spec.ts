import { forkSeed, SeededRandom, WeightedSampler } from './random';

describe('SeededRandom', () => {
  it('repeats its stream for a seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('makes UUIDs the wire schema accepts', () => {
    const random = new SeededRandom(1);
    for (let i = 0; i < 1000; i++) {
      expect(random.uuid()).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });

  it('draws log-normal values around the median', () => {
    const random = new SeededRandom(7);
    const values = Array.from({ length: 20_000 }, () => random.logNormal(50, 0.5)).sort(
      (a, b) => a - b,
    );
    const median = values[values.length / 2]!;
    expect(median).toBeGreaterThan(47);
    expect(median).toBeLessThan(53);
    // exp(0.5 * 1.645): the 95th percentile of a log-normal with sigma 0.5.
    expect(values[Math.floor(values.length * 0.95)]! / median).toBeCloseTo(
      Math.exp(0.5 * 1.645),
      1,
    );
  });

  it('gives unrelated streams to forks of one seed', () => {
    expect(forkSeed(1, 'catalog')).not.toBe(forkSeed(1, 'traffic'));
    expect(forkSeed(1, 'shopper', 1)).not.toBe(forkSeed(1, 'shopper', 2));
    expect(forkSeed(1, 'catalog')).toBe(forkSeed(1, 'catalog'));
  });
});

describe('WeightedSampler', () => {
  it('draws indices in proportion to their weights', () => {
    const sampler = new WeightedSampler([1, 0, 3]);
    const random = new SeededRandom(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[sampler.draw(random)]!++;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeGreaterThan(2.8);
    expect(counts[2]! / counts[0]!).toBeLessThan(3.2);
  });

  it('refuses negative weights and drawing with no weight', () => {
    expect(() => new WeightedSampler([-1])).toThrow(RangeError);
    expect(() => new WeightedSampler([0]).draw(new SeededRandom(1))).toThrow(RangeError);
  });
});
