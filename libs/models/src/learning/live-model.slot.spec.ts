import type { ServableModel } from '../serving/servable-model';
import type { TrainableModel } from './incremental-learner';
import { type LiveModel, LiveModelSlot } from './live-model.slot';

/** Weights that know whether they were freed (the slot's only business with them here). */
function weights(version: number, increment = 0): LiveModel & { freed: () => boolean } {
  let servableFreed = false;
  let trainableFreed = false;
  const model = {
    servable: { dispose: () => void (servableFreed = true) } as unknown as ServableModel,
    trainable: { dispose: () => void (trainableFreed = true) } as unknown as TrainableModel,
    files: {},
    metadata: {} as LiveModel['metadata'],
    version,
    increment,
    attempts: increment,
    since: 0,
  };
  return Object.assign(model, { freed: () => servableFreed && trainableFreed });
}

describe('LiveModelSlot', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('frees replaced weights after the grace period', () => {
    const slot = new LiveModelSlot('shop', 1000);
    const first = weights(1);
    slot.swap(first);
    slot.swap(weights(2));
    jest.advanceTimersByTime(999);
    expect(first.freed()).toBe(false);
    jest.advanceTimersByTime(1);
    expect(first.freed()).toBe(true);
  });

  it('keeps leased weights past the grace period and frees them at the last release', () => {
    const slot = new LiveModelSlot('shop', 1000);
    const first = weights(1);
    slot.swap(first);
    const a = slot.lease()!;
    const b = slot.lease()!;
    expect(a).toBe(first);
    slot.swap(weights(2));
    jest.advanceTimersByTime(60_000);
    expect(first.freed()).toBe(false);
    slot.release(a);
    expect(first.freed()).toBe(false);
    slot.release(b);
    expect(first.freed()).toBe(true);
  });

  it('does not free weights still serving when their lease ends', () => {
    const slot = new LiveModelSlot('shop', 0);
    const first = weights(1);
    slot.swap(first);
    slot.release(slot.lease()!);
    jest.runAllTimers();
    expect(first.freed()).toBe(false);
    expect(slot.current).toBe(first);
  });
});
