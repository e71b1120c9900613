import { decideInterestShift, interestDistance, topCategories } from './interest-shift.rule';

const HOUR = 3_600_000;

describe('interest shift rule', () => {
  it('given decayed category scores, when the top is read, then the strongest now come first', () => {
    const now = 10 * HOUR;
    const scores = {
      Shoes: { value: 4, at: 0 }, // two half-lives ago: 1 now
      Books: { value: 2, at: now }, // 2 now
      Toys: { value: 1.5, at: now },
    };
    expect(topCategories(scores, now, 5 * HOUR, 2)).toEqual(['Books', 'Toys']);
  });

  it('given the same top categories, when compared, then there is no shift', () => {
    expect(decideInterestShift(['A', 'B'], ['B', 'A'], 0.5)).toEqual({ refresh: false, distance: 0 });
  });

  it('given mostly new top categories, when compared, then it refreshes', () => {
    expect(interestDistance(['A', 'B', 'C'], ['A', 'D', 'E'])).toBeCloseTo(0.8);
    expect(decideInterestShift(['A', 'B', 'C'], ['A', 'D', 'E'], 0.5).refresh).toBe(true);
  });

  it('given one category of three replaced, when the threshold is above its distance, then it does not refresh', () => {
    expect(decideInterestShift(['A', 'B', 'C'], ['A', 'B', 'D'], 0.6)).toEqual({ refresh: false, distance: 0.5 });
  });

  it('given no list yet and a follower, when the shopper has interests, then it refreshes; without interests it does not', () => {
    expect(decideInterestShift(undefined, ['A'], 0.5, true).refresh).toBe(true);
    expect(decideInterestShift(undefined, [], 0.5, true).refresh).toBe(false);
  });

  it('given no list yet and nobody following, when the shopper has interests, then no first list is written', () => {
    expect(decideInterestShift(undefined, ['A', 'B'], 0.5, false)).toEqual({ refresh: false, distance: 1 });
  });

  it('given a list already published, when interests move without a follower, then it is still kept fresh', () => {
    expect(decideInterestShift(['A'], ['B'], 0.5, false).refresh).toBe(true);
  });
});
