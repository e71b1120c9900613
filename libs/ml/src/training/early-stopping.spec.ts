import { EarlyStopping, isValidationEpoch } from './early-stopping';

/** Weights are a number here; copies are logged so the test sees what was kept and freed. */
function tracked() {
  const events: string[] = [];
  let weights = 0;
  const stopping = (epochsDone: number, patience: number) =>
    new EarlyStopping<number>(epochsDone, patience, {
      copy: () => {
        events.push(`copy ${weights}`);
        return weights;
      },
      restore: (w) => {
        events.push(`restore ${w}`);
        weights = w;
      },
      release: (w) => {
        events.push(`release ${w}`);
      },
    });
  return { events, stopping, set: (w: number) => (weights = w), get: () => weights };
}

describe('EarlyStopping', () => {
  it('keeps the best epoch, stops when patience runs out and restores the best weights', () => {
    const t = tracked();
    const s = t.stopping(10, 2);
    t.set(1);
    expect(s.afterEpoch(11, 0.2)).toBeUndefined();
    t.set(2);
    expect(s.afterEpoch(12, 0.1)).toBeUndefined();
    t.set(3);
    expect(s.afterEpoch(13, undefined)).toBeUndefined(); // no validation: patience untouched
    t.set(4);
    expect(s.afterEpoch(14, 0.2)).toBe('patience'); // equal is no improvement
    expect([s.bestEpoch, s.bestValidation, s.stoppedEarly]).toEqual([11, 0.2, true]);
    expect(s.restoreBest(14)).toBe(true);
    expect(t.get()).toBe(1);
    expect(t.events).toEqual(['copy 1', 'restore 1', 'release 1']);
  });

  it('frees the previous copy on improvement and does not restore when the last epoch is the best', () => {
    const t = tracked();
    const s = t.stopping(0, 0);
    t.set(1);
    s.afterEpoch(1, 0.1);
    t.set(2);
    s.afterEpoch(2, 0.3);
    expect(s.restoreBest(2)).toBe(false);
    expect(t.events).toEqual(['copy 1', 'release 1', 'copy 2', 'release 2']);
    expect(s.stoppedEarly).toBe(false);
  });

  it('stops on request after recording the epoch, and reports no validation when none ran', () => {
    const t = tracked();
    const s = t.stopping(5, 0);
    expect(s.afterEpoch(6, undefined, () => true)).toBe('requested');
    expect([s.bestEpoch, s.bestValidation, s.best, s.stoppedEarly]).toEqual([
      5,
      undefined,
      -Infinity,
      true,
    ]);
    expect(s.restoreBest(6)).toBe(false);
    expect(t.events).toEqual([]);
  });

  it('validates every evalEvery epochs and after the last', () => {
    const due = (epochs: number, every: number) =>
      Array.from({ length: epochs }, (_, e) => isValidationEpoch(e, epochs, every));
    expect(due(5, 2)).toEqual([false, true, false, true, true]);
    expect(due(3, 1)).toEqual([true, true, true]);
  });
});
