import { RefreshCoalescer } from './refresh-coalescer';

/** A refresh that finishes when the test says so, recording what it was asked and how many ran at once. */
function controlledRefresh() {
  const calls: { shoppers: string[]; position: string }[] = [];
  const finishers: (() => void)[] = [];
  let running = 0;
  let maxRunning = 0;
  const refresh = (shoppers: readonly string[], position: string) => {
    calls.push({ shoppers: [...shoppers].sort(), position });
    running++;
    maxRunning = Math.max(maxRunning, running);
    return new Promise<void>((resolve) =>
      finishers.push(() => {
        running--;
        resolve();
      }),
    );
  };
  const finishNext = async () => {
    finishers.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { refresh, calls, finishNext, maxRunning: () => maxRunning };
}

describe('RefreshCoalescer', () => {
  it('given a refresh running, when updates ask for more, then they wait and are merged into one at the newest cause', async () => {
    const c = controlledRefresh();
    const coalescer = new RefreshCoalescer(c.refresh);
    coalescer.request(['a', 'b'], '10');
    coalescer.request(['b', 'c'], '20');
    coalescer.request(['d'], '30');
    expect(c.calls).toEqual([{ shoppers: ['a', 'b'], position: '10' }]);

    await c.finishNext();
    expect(c.calls[1]).toEqual({ shoppers: ['b', 'c', 'd'], position: '30' });
    await c.finishNext();
    await coalescer.whenIdle();
    expect(c.calls).toHaveLength(2);
    expect(c.maxRunning()).toBe(1);
  });

  it('starts again after going idle, and keeps going after a refresh fails', async () => {
    const calls: string[][] = [];
    const coalescer = new RefreshCoalescer(async (shoppers) => {
      calls.push([...shoppers]);
      if (shoppers.includes('boom')) throw new Error('store down');
    });
    coalescer.request(['boom'], '1');
    await coalescer.whenIdle();
    coalescer.request(['a'], '2');
    await coalescer.whenIdle();
    expect(calls).toEqual([['boom'], ['a']]);
  });

  it('when stopped, drops what waits and lets the running refresh finish', async () => {
    const c = controlledRefresh();
    const coalescer = new RefreshCoalescer(c.refresh);
    coalescer.request(['a'], '1');
    coalescer.request(['b'], '2');
    const stopped = coalescer.stop();
    await c.finishNext();
    await stopped;
    coalescer.request(['c'], '3');
    expect(c.calls).toEqual([{ shoppers: ['a'], position: '1' }]);
  });
});
