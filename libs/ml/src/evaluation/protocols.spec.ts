import {
  ItemIndex,
  SequenceDataset,
  sequenceAt,
  sequencesFromArrays,
  sequencesToArrays,
} from '../datasets/sequence-dataset';
import { getProtocol, PROTOCOLS } from './protocols';

/** Items named by letters so the expectations read like the README's description. */
function usersDataset(users: string[][], extraItems: string[] = []): SequenceDataset {
  const items = new ItemIndex();
  const seqs = users.map((u) => u.map((x) => items.intern(x)));
  for (const x of extraItems) items.intern(x);
  return { name: 'tiny', kind: 'users', items, sequences: sequencesFromArrays(seqs) };
}

const names = (ds: SequenceDataset, seq: ArrayLike<number>): string[] =>
  Array.from(seq as Int32Array, (i) => ds.items.toExternal(i));

describe('leave-one-out protocols', () => {
  const ds = usersDataset([
    ['a', 'b', 'c', 'd', 'e'],
    ['b', 'c', 'b', 'f'], // the validation target b also occurs in its history
    ['x', 'y'], // too short for a validation case
    ['z'], // too short for anything
  ]);

  it('loo-full test: history = all but the last item, target = last, mask = history items except the target', () => {
    const split = PROTOCOLS['loo-full'].split(ds, 'test');
    const { histories, targets, masks } = split.cases;
    expect(sequencesToArrays(histories).map((h) => names(ds, h))).toEqual([
      ['a', 'b', 'c', 'd'],
      ['b', 'c', 'b'],
      ['x'],
    ]);
    expect(names(ds, targets)).toEqual(['e', 'f', 'y']);
    expect(sequencesToArrays(masks!).map((m) => names(ds, m))).toEqual([
      ['a', 'b', 'c', 'd'],
      ['b', 'c'],
      ['x'],
    ]);
    expect(split.cases.candidates).toBeUndefined();
  });

  it('loo-full validation: history = items before the second-last, which is the target and never masked', () => {
    const split = PROTOCOLS['loo-full'].split(ds, 'validation');
    expect(sequencesToArrays(split.cases.histories).map((h) => names(ds, h))).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c'],
    ]);
    expect(names(ds, split.cases.targets)).toEqual(['d', 'b']);
    expect(sequencesToArrays(split.cases.masks!).map((m) => names(ds, m))).toEqual([
      ['a', 'b', 'c'],
      ['c'],
    ]);
  });

  it('trains on everything before the last two items, the same data for both phases', () => {
    const test = PROTOCOLS['loo-full'].split(ds, 'test');
    const validation = PROTOCOLS['loo-full'].split(ds, 'validation');
    expect(sequencesToArrays(test.train.sequences).map((s) => names(ds, s))).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c'],
    ]);
    expect(test.trainKey).toBe(validation.trainKey);
    expect(test.train.numItems).toBe(ds.items.size);
  });

  it('loo-sampled100 draws distinct negatives the user never touched, reproducibly by seed', () => {
    const big = usersDataset(
      [
        ['a', 'b', 'c', 'd', 'e'],
        ['b', 'c', 'b', 'f'],
      ],
      Array.from({ length: 300 }, (_, i) => `n${i}`),
    );
    const split = PROTOCOLS['loo-sampled100'].split(big, 'test', { seed: 7 });
    for (let c = 0; c < split.cases.targets.length; c++) {
      const negatives = Array.from(sequenceAt(split.cases.candidates!, c));
      const touched = new Set(sequencesToArrays(big.sequences)[c]);
      expect(negatives).toHaveLength(100);
      expect(new Set(negatives).size).toBe(100);
      expect(negatives.some((n) => touched.has(n))).toBe(false);
    }
    expect(split.cases.masks).toBeUndefined();
    const again = PROTOCOLS['loo-sampled100'].split(big, 'test', { seed: 7 });
    expect(Array.from(again.cases.candidates!.items)).toEqual(
      Array.from(split.cases.candidates!.items),
    );
    const other = PROTOCOLS['loo-sampled100'].split(big, 'test', { seed: 8 });
    expect(Array.from(other.cases.candidates!.items)).not.toEqual(
      Array.from(split.cases.candidates!.items),
    );
  });

  it('loo-sampled100 takes every untouched item when fewer than 100 exist', () => {
    const split = PROTOCOLS['loo-sampled100'].split(ds, 'test', { seed: 1 });
    // 9 items; user 0 touched a..e, leaving f, x, y, z
    const negatives = names(ds, sequenceAt(split.cases.candidates!, 0)).sort();
    expect(negatives).toEqual(['f', 'x', 'y', 'z']);
  });
});

describe('session-prefix protocol', () => {
  const sessions = Array.from({ length: 10 }, (_, i) => [`s${i}a`, `s${i}b`, `s${i}c`]);

  function sessionsDataset(withHeldOut: boolean): SequenceDataset {
    const items = new ItemIndex();
    const seqs = sessions.map((s) => s.map((x) => items.intern(x)));
    const times = Float64Array.from(seqs, (_, i) => i);
    return {
      name: 'sessions',
      kind: 'sessions',
      items,
      sequences: sequencesFromArrays(seqs),
      times,
      heldOut: withHeldOut
        ? {
            prefixes: sequencesFromArrays([[items.toDense('s1a')!, items.toDense('s1b')!]]),
            targets: Int32Array.from([items.toDense('s2a')!]),
          }
        : undefined,
    };
  }

  it('tests the published held-out cases against a model trained on all sessions, nothing masked', () => {
    const ds = sessionsDataset(true);
    const split = getProtocol('session-prefix').split(ds, 'test');
    expect(sequencesToArrays(split.cases.histories).map((h) => names(ds, h))).toEqual([
      ['s1a', 's1b'],
    ]);
    expect(names(ds, split.cases.targets)).toEqual(['s2a']);
    expect(split.cases.masks).toBeUndefined();
    expect(split.train.sequences.offsets.length - 1).toBe(10);
  });

  it('validates on every prefix of the latest 10% of training sessions, training on the rest', () => {
    const ds = sessionsDataset(true);
    const split = getProtocol('session-prefix').split(ds, 'validation');
    expect(sequencesToArrays(split.cases.histories).map((h) => names(ds, h))).toEqual([
      ['s9a'],
      ['s9a', 's9b'],
    ]);
    expect(names(ds, split.cases.targets)).toEqual(['s9b', 's9c']);
    expect(split.train.sequences.offsets.length - 1).toBe(9);
    expect(Array.from(split.train.times!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(split.trainKey).not.toBe(getProtocol('session-prefix').split(ds, 'test').trainKey);
  });

  it('holds out test and then validation sessions by time when there are no published cases', () => {
    const ds = sessionsDataset(false);
    const test = getProtocol('session-prefix').split(ds, 'test');
    expect(names(ds, test.cases.targets)).toEqual(['s9b', 's9c']);
    expect(test.train.sequences.offsets.length - 1).toBe(9);
    const validation = getProtocol('session-prefix').split(ds, 'validation');
    expect(names(ds, validation.cases.targets)).toEqual(['s8b', 's8c']);
    expect(validation.train.sequences.offsets.length - 1).toBe(8);
  });

  it('rejects an unknown protocol by name', () => {
    expect(() => getProtocol('loo')).toThrow(/unknown protocol "loo"; expected one of loo-full/);
  });
});
