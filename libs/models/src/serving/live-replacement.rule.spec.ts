import { decideLiveReplacement } from './live-replacement.rule';

describe('live replacement rule', () => {
  it('given the champion serving, when a newer increment of it arrives, then it replaces the serving weights', () => {
    expect(decideLiveReplacement(3, { version: 3, increment: 0 }, { version: 3, increment: 1 })).toEqual({ replace: true });
    expect(decideLiveReplacement(3, { version: 3, increment: 4 }, { version: 3, increment: 7 })).toEqual({ replace: true });
  });

  it('given a newer champion was promoted, when an increment of the old one arrives, then it is refused', () => {
    const decision = decideLiveReplacement(4, { version: 4, increment: 0 }, { version: 3, increment: 5 });
    expect(decision).toEqual({ replace: false, reason: 'weights descend from version 3, the champion is 4' });
  });

  it('given the champion is still loading, when its increment arrives, then it is refused (the load would overwrite it)', () => {
    expect(decideLiveReplacement(4, { version: 3, increment: 2 }, { version: 4, increment: 1 }).replace).toBe(false);
    expect(decideLiveReplacement(4, undefined, { version: 4, increment: 1 }).replace).toBe(false);
  });

  it('given an increment already serving, when an older or equal one arrives late, then it is refused', () => {
    expect(decideLiveReplacement(2, { version: 2, increment: 5 }, { version: 2, increment: 5 }).replace).toBe(false);
    expect(decideLiveReplacement(2, { version: 2, increment: 5 }, { version: 2, increment: 3 }).replace).toBe(false);
  });

  it('given no champion, when weights arrive, then nothing is replaced', () => {
    expect(decideLiveReplacement(undefined, undefined, { version: 1, increment: 1 }).replace).toBe(false);
  });
});
