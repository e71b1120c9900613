import type { WireInteraction } from '@pulse/testing/synthetic/shop/wire';
import { buildTraffic, casesOfBatch, mostActive } from './learning-loop-traffic';

const view = (shopperId: string, itemId: string) => ({ type: 'view', shopperId, itemId }) as unknown as WireInteraction;

describe('learning-loop traffic', () => {
  it('given shoppers with history, when a batch arrives, then each one first new item is a case and the batch joins the history', () => {
    const seen = new Map([
      ['a', new Set(['1', '2'])],
      ['b', new Set(['1', '2'])],
      ['c', new Set(['1'])],
    ]);
    const cases = casesOfBatch([view('a', '3'), view('a', '4'), view('b', '2'), view('b', '5'), view('c', '6'), view('d', '7')], seen);

    // a: its first move is new; b: its first move is a revisit, so no case; c: too little history; d: unknown.
    expect(cases).toEqual([{ shopperId: 'a', target: '3' }]);
    expect([...seen.get('a')!]).toEqual(['1', '2', '3', '4']);
    expect(seen.get('d')).toEqual(new Set(['7']));
  });

  it('given batches, when the most active are asked for, then they come by event count', () => {
    expect(mostActive([[view('a', '1'), view('b', '1')], [view('b', '2')]], 1)).toEqual(['b']);
  });

  it('given one seed, when the traffic is built twice, then it is the same and ends before the wall clock', () => {
    const options = { seed: 3, items: 120, shoppers: 60, historyEvents: 300, batches: 3, batchEvents: 100, shiftAtBatch: 1, shiftShare: 0.9, endBeforeMs: Date.now() };
    const one = buildTraffic(options);
    const two = buildTraffic(options);
    expect(two.batches[2]).toEqual(one.batches[2]);
    expect(one.batches.map((b) => b.length)).toEqual([100, 100, 100]);
    expect(Date.parse(one.batches[2]!.at(-1)!.occurredAt)).toBeLessThan(Date.now());
  });
});
