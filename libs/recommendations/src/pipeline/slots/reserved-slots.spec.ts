import { planSlots, reservedPositions } from './reserved-slots';

describe('reserved slots', () => {
  it.each([
    [1, 10, [5]],
    [2, 10, [2, 7]],
    [3, 10, [1, 5, 8]],
    [5, 10, [1, 3, 5, 7, 9]],
    [10, 10, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    [12, 4, [0, 1, 2, 3]],
    [0, 10, []],
  ])('places %i reserved items in %i slots at %j', (count, length, expected) => {
    expect(reservedPositions(count, length)).toEqual(expected);
  });

  it('plans promotion slots first, then moves exploration slots to the next free position', () => {
    const plan = planSlots(10, 2, 1);
    expect(plan.flatMap((kind, i) => (kind === 'promoted' ? [i] : []))).toEqual([2, 7]);
    expect(plan.flatMap((kind, i) => (kind === 'exploration' ? [i] : []))).toEqual([5]);
    const crowded = planSlots(4, 2, 2);
    expect(crowded.filter((kind) => kind === 'promoted')).toHaveLength(2);
    expect(crowded.filter((kind) => kind === 'exploration')).toHaveLength(2);
  });

  it('never reserves more than the free slots', () => {
    const plan = planSlots(3, 2, 5);
    expect(plan.filter((kind) => kind === 'organic')).toHaveLength(0);
    expect(plan).toHaveLength(3);
  });
});
