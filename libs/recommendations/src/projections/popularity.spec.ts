import { smoothedRate, trendingScore } from './popularity';
import { entriesBefore, sessionKey, withSessionItem } from './session-window';

const DAY = 86_400_000;
const T0 = Date.parse('2025-03-01T00:00:00.000Z');
const windows = {
  trendingShortHalfLifeMs: DAY,
  trendingLongHalfLifeMs: 8 * DAY,
  trendingSmoothing: 1,
};

describe('smoothedRate', () => {
  it('starts at the prior rate and moves toward the observed one', () => {
    expect(smoothedRate(0, 0, 0.05, 20)).toBeCloseTo(0.05, 12);
    expect(smoothedRate(1, 1, 0.05, 20)).toBeCloseTo(2 / 21, 12);
    expect(smoothedRate(500, 1000, 0.05, 20)).toBeCloseTo(501 / 1020, 12);
  });

  it('never exceeds 1, even with more cart adds than views', () => {
    expect(smoothedRate(100, 0, 0.05, 20)).toBe(1);
  });
});

describe('trendingScore', () => {
  it('is 0 without any interaction', () => {
    expect(trendingScore(undefined, undefined, T0, windows)).toBe(0);
  });

  it('scales the short window by the ratio of half-lives, smoothed', () => {
    // short 4 → 4·8 = 32 recent; long 15: (32 + 1) / (15 + 1)
    const score = trendingScore({ value: 4, at: T0 }, { value: 15, at: T0 }, T0, windows);
    expect(score).toBeCloseTo(33 / 16, 12);
  });

  it('cools down as the short window decays faster than the long one', () => {
    const short = { value: 4, at: T0 };
    const long = { value: 4, at: T0 };
    // after one day: short 2·8 = 16, long 4·2^(-1/8)
    const later = trendingScore(short, long, T0 + DAY, windows);
    expect(later).toBeCloseTo(17 / (4 * 2 ** (-1 / 8) + 1), 12);
    expect(later).toBeLessThan(trendingScore(short, long, T0, windows));
  });
});

describe('session window', () => {
  it('keys by shopper and session without ambiguity', () => {
    expect(sessionKey('u-1', 's-1')).toBe('u-1:s-1');
    expect(sessionKey('a:b', 'c')).not.toBe(sessionKey('a', 'b:c'));
  });

  it('sees the session as it was before an event, even after later ones were added', () => {
    const add = (
      session: ReturnType<typeof withSessionItem> | null,
      itemId: string,
      position: string,
    ) =>
      withSessionItem(
        session,
        'viewed',
        {
          shopperId: 'u',
          sessionId: 's',
          itemId,
          at: T0,
          occurredAt: new Date(T0).toISOString(),
          position,
        },
        3,
      );
    const session = add(add(add(null, 'a', '1'), 'b', '2'), 'c', '3');
    expect(entriesBefore(session, 'viewed', 2n).map((e) => e.itemId)).toEqual(['a']);
    expect(entriesBefore(session, 'viewed', 4n).map((e) => e.itemId)).toEqual(['a', 'b', 'c']);
    expect(add(session, 'd', '4').viewed.map((e) => e.itemId)).toEqual(['b', 'c', 'd']);
  });
});
