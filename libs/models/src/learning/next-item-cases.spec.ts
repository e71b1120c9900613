import type { Interaction } from './interaction';
import { NextItemCaseLog } from './next-item-cases';

let position = 0;
const touch = (shopperId: string, itemId: string): Interaction => ({ shopperId, itemId, position: String(++position), recordedAtMs: 0 });

describe('next-item cases', () => {
  const options = { maxHistory: 3, holdoutSize: 2, replayCapacity: 10, maxShoppers: 100, seed: 1 };

  it('given a shopper history, when they touch a new item, then a case of history -> item is made; repeats make none', () => {
    const log = new NextItemCaseLog({ ...options, holdoutSize: 10 });
    log.ingest([touch('a', 'x'), touch('a', 'x'), touch('a', 'y'), touch('b', 'z'), touch('a', 'z')]);
    expect(log.holdout.map((c) => [c.history.join(','), c.target])).toEqual([
      ['x', 'y'],
      ['x,y', 'z'],
    ]);
  });

  it('given more cases than the holdout holds, when a batch arrives, then the newest stay held out and the older become trainable', () => {
    const log = new NextItemCaseLog(options);
    const first = log.ingest([touch('a', '1'), touch('a', '2'), touch('a', '3')]);
    expect(first.trainable).toEqual([]);
    const second = log.ingest([touch('a', '4'), touch('a', '5')]);
    expect(second.trainable.map((c) => c.target)).toEqual(['2', '3']);
    expect(log.holdout.map((c) => c.target)).toEqual(['4', '5']);
    expect(second.shoppers).toEqual(['a']);
  });

  it('given a long history, when cases are made, then the history is cut to maxHistory', () => {
    const log = new NextItemCaseLog({ ...options, holdoutSize: 1 });
    log.ingest(['1', '2', '3', '4', '5'].map((i) => touch('a', i)));
    expect(log.holdout[0]!.history).toEqual(['2', '3', '4']);
  });

  it('given remembered cases, when replay is sampled, then it draws only from them and is repeatable for a seed', () => {
    const make = () => {
      const log = new NextItemCaseLog({ ...options, holdoutSize: 0 });
      const { trainable } = log.ingest(['1', '2', '3', '4'].map((i) => touch('r', i)));
      log.remember(trainable);
      return log;
    };
    const a = make().sampleReplay(5).map((c) => c.target);
    expect(a).toHaveLength(5);
    expect(a.every((t) => ['2', '3', '4'].includes(t))).toBe(true);
    expect(make().sampleReplay(5).map((c) => c.target)).toEqual(a);
    expect(new NextItemCaseLog(options).sampleReplay(3)).toEqual([]);
  });
});
