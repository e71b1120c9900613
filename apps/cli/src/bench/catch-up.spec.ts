import { assessListing, estimateRemainingMs, GENTLE, nextPollDelayMs, type ProjectionRow } from './catch-up';

const row = (name: string, checkpoint: string | null, extra: Partial<ProjectionRow> = {}): ProjectionRow => ({
  name,
  role: 'serving',
  state: 'catching_up',
  checkpoint,
  ...extra,
});

describe('waiting for the catch-up', () => {
  describe('assessListing', () => {
    it('names the slowest serving projection while any is behind the target', () => {
      const listing = { head: '900', projections: [row('catalog_items', '900'), row('item_statistics', '120'), row('shopper_profiles', null)] };
      expect(assessListing(listing, 900n)).toEqual({ kind: 'behind', slowest: 'shopper_profiles', position: -1n });
    });

    it('is caught up once every serving projection reaches the target, whatever the head says', () => {
      // Served responses append after the target: the written history is what matters.
      const listing = { head: '905', projections: [row('a', '900', { state: 'live' }), row('b', '903', { state: 'live' })] };
      expect(assessListing(listing, 900n)).toEqual({ kind: 'caught_up' });
    });

    it('ignores a rebuilding version and reports a failed projection with its error', () => {
      const rebuilding = row('a', '5', { role: 'rebuilding' });
      expect(assessListing({ head: '9', projections: [row('a', '9'), rebuilding] }, 9n).kind).toBe('caught_up');
      const failed = row('b', '40', { state: 'failed', failure: { position: '41', error: 'boom' } });
      expect(assessListing({ head: '99', projections: [row('a', '99'), failed] }, 99n)).toEqual({
        kind: 'failed',
        name: 'b',
        detail: 'at position 41: boom',
      });
      expect(() => assessListing({ head: '9', projections: [rebuilding] }, 9n)).toThrow('no serving projection');
    });
  });

  it('estimates the time left from the rate between two observations', () => {
    expect(estimateRemainingMs({ atMs: 0, position: 0n }, { atMs: 10_000, position: 1000n }, 3000n)).toBe(20_000);
    expect(estimateRemainingMs({ atMs: 0, position: 500n }, { atMs: 10_000, position: 500n }, 3000n)).toBeUndefined();
  });

  describe('nextPollDelayMs', () => {
    it('waits half the time left, within bounds', () => {
      expect(nextPollDelayMs(10, 20_000)).toBe(10_000);
      expect(nextPollDelayMs(10, 600_000)).toBe(GENTLE.maxMs);
      expect(nextPollDelayMs(10, 100)).toBe(GENTLE.minMs);
      expect(nextPollDelayMs(10, undefined)).toBe(GENTLE.unknownMs);
    });

    it('keeps the polls to their share of the service’s time, stretching the longest wait at most twofold', () => {
      // A listing that took 1 s may come back after 1000 / 0.05 = 20 s at the earliest.
      expect(nextPollDelayMs(1000, 2000)).toBe(20_000);
      expect(nextPollDelayMs(2000, 2000)).toBe(40_000);
      expect(nextPollDelayMs(10_000, 2000)).toBe(2 * GENTLE.maxMs);
      expect(nextPollDelayMs(1000, 2000, { ...GENTLE, maxOverhead: 0.1 })).toBe(10_000);
    });
  });
});
