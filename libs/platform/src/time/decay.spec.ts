import { addDecayed, decayFactor, decayedRank, valueAt, type DecayedScore } from './decay';
import { addToDecayedScores, boundDecayed, probationSlots, rankDecayed } from './decayed-map';

const HOUR = 3_600_000;
const T0 = Date.parse('2025-03-01T00:00:00.000Z');

describe('decayed scores', () => {
  it('halves after one half-life and quarters after two', () => {
    expect(decayFactor(HOUR, HOUR)).toBe(0.5);
    expect(decayFactor(2 * HOUR, HOUR)).toBe(0.25);
    expect(decayFactor(0, HOUR)).toBe(1);
  });

  it('starts a missing score at the weight', () => {
    expect(addDecayed(undefined, 3, T0, HOUR)).toEqual({ value: 3, at: T0 });
  });

  it('decays the stored value to the new instant, then adds', () => {
    // given 4 at T0; when 1 is added one half-life later: 4 * 0.5 + 1
    const score = addDecayed({ value: 4, at: T0 }, 1, T0 + HOUR, HOUR);
    expect(score).toEqual({ value: 3, at: T0 + HOUR });
  });

  it('decays the weight, not the stored value, for an event slightly out of order', () => {
    // given 4 at T0+2h; when 8 arrives stamped T0 (two half-lives earlier): 4 + 8 * 0.25
    const score = addDecayed({ value: 4, at: T0 + 2 * HOUR }, 8, T0, HOUR);
    expect(score).toEqual({ value: 6, at: T0 + 2 * HOUR });
  });

  it('gives the same value whichever order two events arrive in', () => {
    const inOrder = addDecayed(addDecayed(undefined, 2, T0, HOUR), 1, T0 + HOUR, HOUR);
    const reversed = addDecayed(addDecayed(undefined, 1, T0 + HOUR, HOUR), 2, T0, HOUR);
    expect(reversed).toEqual(inOrder);
    expect(inOrder).toEqual({ value: 2, at: T0 + HOUR });
  });

  it('reads a value decayed to now, and never grows it for a now before its instant', () => {
    const score: DecayedScore = { value: 8, at: T0 };
    expect(valueAt(score, T0 + 3 * HOUR, HOUR)).toBe(1);
    expect(valueAt(score, T0 - HOUR, HOUR)).toBe(8);
    expect(valueAt(undefined, T0, HOUR)).toBe(0);
  });

  it('refuses a half-life that is not positive', () => {
    expect(() => addDecayed(undefined, 1, T0, 0)).toThrow(RangeError);
    expect(() => valueAt({ value: 1, at: T0 }, T0, Number.NaN)).toThrow(RangeError);
  });

  it('ranks scores of different instants like their values at any common instant', () => {
    const old: DecayedScore = { value: 8, at: T0 }; // worth 1 at T0+3h
    const recent: DecayedScore = { value: 2, at: T0 + 3 * HOUR };
    expect(decayedRank(recent, HOUR)).toBeGreaterThan(decayedRank(old, HOUR));
    expect(valueAt(recent, T0 + 10 * HOUR, HOUR)).toBeGreaterThan(
      valueAt(old, T0 + 10 * HOUR, HOUR),
    );
    expect(decayedRank({ value: 0, at: T0 }, HOUR)).toBe(-Number.MAX_VALUE);
  });
});

describe('bounded maps of decayed scores', () => {
  const at = (hours: number) => T0 + hours * HOUR;

  it('keeps everything while under the limit', () => {
    const scores = { a: { value: 1, at: T0 }, b: { value: 2, at: T0 } };
    expect(boundDecayed(scores, HOUR, 2)).toEqual(scores);
  });

  it('keeps the strongest keys plus the most recently updated others (probation)', () => {
    // limit 4: 3 protected by strength (at the latest instant, 2h), 1 probation slot by recency
    const scores = {
      old: { value: 16, at: at(0) }, // 4 at 2h
      tieB: { value: 3, at: at(2) },
      tieA: { value: 3, at: at(2) },
      weak: { value: 1, at: at(1) }, // 0.5 at 2h
      fresh: { value: 0.75, at: at(2) },
    };
    expect(Object.keys(boundDecayed(scores, HOUR, 4)).sort()).toEqual([
      'fresh',
      'old',
      'tieA',
      'tieB',
    ]);
    expect(probationSlots(4)).toBe(1);
  });

  it('lets a recurring newcomer build up in a full map of stronger keys, with exact scores', () => {
    let scores = addToDecayedScores(
      {},
      ['s1', 's2', 's3', 's4'].map((key) => ({ key, weight: 10 })),
      at(0),
      HOUR * 1000,
      4,
    );
    for (let i = 1; i <= 12; i++) {
      scores = addToDecayedScores(scores, [{ key: 'new', weight: 1 }], at(i), HOUR * 1000, 4);
      if (i % 3 === 0) {
        scores = addToDecayedScores(
          scores,
          [{ key: `once${i}`, weight: 1 }],
          at(i),
          HOUR * 1000,
          4,
        );
      }
    }
    expect(Object.keys(scores)).toHaveLength(4);
    expect(scores['new']!.value).toBeGreaterThan(10);
    expect(scores['new']!.value).toBeLessThanOrEqual(12);
  });

  it('applies additions without touching its input and drops keys at or below zero', () => {
    const before = { shoes: { value: 1, at: T0 } };
    const after = addToDecayedScores(
      before,
      [
        { key: 'shoes', weight: -1 },
        { key: 'bags', weight: 2 },
        { key: 'hats', weight: -1 },
      ],
      T0,
      HOUR,
      10,
    );
    expect(after).toEqual({ bags: { value: 2, at: T0 } });
    expect(before).toEqual({ shoes: { value: 1, at: T0 } });
  });

  it('ranks strongest first at the latest instant, ties by key', () => {
    const ranked = rankDecayed(
      { b: { value: 2, at: at(1) }, a: { value: 2, at: at(1) }, c: { value: 8, at: at(0) } },
      HOUR,
    );
    expect(ranked.map((r) => [r.key, r.strength])).toEqual([
      ['c', 4],
      ['a', 2],
      ['b', 2],
    ]);
  });

  it('stores keys such as __proto__ as ordinary entries', () => {
    const after = addToDecayedScores({}, [{ key: '__proto__', weight: 1 }], T0, HOUR, 10);
    expect(Object.keys(after)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(after))).toEqual(after);
  });
});
