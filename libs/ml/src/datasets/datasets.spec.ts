import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectDatasetFormat, loadDataset } from './dataset-format';
import { forEachLine } from './line-reader';
import {
  expandPrefixes,
  ItemIndex,
  sequenceAt,
  sequencesFromArrays,
  sequencesToArrays,
  selectSequences,
} from './sequence-dataset';
import { loadSessionPrefixDirectory } from './session-prefix.loader';
import { loadUserSequences } from './user-sequences.loader';

describe('datasets', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-ml-datasets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const external = (ds: { items: ItemIndex }, seq: Int32Array): string[] =>
    Array.from(seq, (i) => ds.items.toExternal(i));

  describe('user sequences ("user item1 item2 ...")', () => {
    it('loads users in order, remaps items densely by first appearance and maps back', () => {
      const file = join(dir, 'Tiny.txt');
      writeFileSync(file, '1 10 20 30\n2 20 40\r\n\n3 50 10 10\n');
      const ds = loadUserSequences(file);
      expect(ds.name).toBe('Tiny');
      expect(ds.kind).toBe('users');
      expect(ds.sequenceKeys).toEqual(['1', '2', '3']);
      expect(ds.items.size).toBe(5);
      expect(sequencesToArrays(ds.sequences)).toEqual([
        [0, 1, 2],
        [1, 3],
        [4, 0, 0],
      ]);
      expect(external(ds, sequenceAt(ds.sequences, 2))).toEqual(['50', '10', '10']);
      expect(ds.items.toDense('40')).toBe(3);
      expect(ds.items.toDense('nope')).toBeUndefined();
      expect(ds.times).toBeUndefined();
    });

    it('rejects a user on two lines', () => {
      const file = join(dir, 'dup.txt');
      writeFileSync(file, '1 10 20\n1 30\n');
      expect(() => loadUserSequences(file)).toThrow(/user "1" appears on two lines/);
    });
  });

  describe('session-prefix directory', () => {
    it('loads training sessions with ordinal times and the held-out prefix -> target cases', () => {
      writeFileSync(join(dir, 'train_sessions.txt'), '7 8 9\n8 7\n9 9 10\n');
      writeFileSync(join(dir, 'test_prefix_target.tsv'), '7 8\t10\n7\t8\n');
      const ds = loadSessionPrefixDirectory(dir, { name: 'digi-tiny' });
      expect(ds.name).toBe('digi-tiny');
      expect(ds.kind).toBe('sessions');
      expect(external(ds, sequenceAt(ds.sequences, 2))).toEqual(['9', '9', '10']);
      expect(Array.from(ds.times!)).toEqual([0, 1, 2]);
      expect(ds.heldOut!.targets.length).toBe(2);
      expect(external(ds, sequenceAt(ds.heldOut!.prefixes, 0))).toEqual(['7', '8']);
      expect(ds.items.toExternal(ds.heldOut!.targets[0])).toBe('10');
      expect(ds.items.toExternal(ds.heldOut!.targets[1])).toBe('8');
      expect(ds.items.size).toBe(4);
    });

    it('names the line of a malformed test row', () => {
      writeFileSync(join(dir, 'train_sessions.txt'), '1 2\n');
      writeFileSync(join(dir, 'test_prefix_target.tsv'), '1\t2\n1 2 3\n');
      expect(() => loadSessionPrefixDirectory(dir)).toThrow(/test_prefix_target.tsv:2: .*no tab/);
    });
  });

  describe('format detection', () => {
    it('recognises a session directory, either of its files, and a user-sequence file', () => {
      const sessions = join(dir, 'digi');
      mkdirSync(sessions);
      writeFileSync(join(sessions, 'train_sessions.txt'), '1 2\n2 3\n');
      writeFileSync(join(sessions, 'test_prefix_target.tsv'), '1\t2\n');
      const users = join(dir, 'Beauty.txt');
      writeFileSync(users, '1 5 6\n2 6 7\n');
      expect(detectDatasetFormat(sessions)).toEqual({ format: 'session-prefix', path: sessions });
      expect(detectDatasetFormat(join(sessions, 'train_sessions.txt'))).toEqual({
        format: 'session-prefix',
        path: sessions,
      });
      expect(detectDatasetFormat(users)).toEqual({ format: 'user-sequences', path: users });
      expect(loadDataset(sessions).kind).toBe('sessions');
      expect(loadDataset(users).kind).toBe('users');
    });

    it('rejects what it cannot tell apart instead of guessing', () => {
      const sessionsFile = join(dir, 'sessions.txt');
      writeFileSync(sessionsFile, '1 2 3\n1 4\n'); // first token repeats: not one user per line
      expect(() => detectDatasetFormat(sessionsFile)).toThrow(/repeats across lines/);
      const tsv = join(dir, 'cases.tsv');
      writeFileSync(tsv, '1 2\t3\n');
      expect(() => detectDatasetFormat(tsv)).toThrow(/contains tabs/);
      const half = join(dir, 'half');
      mkdirSync(half);
      writeFileSync(join(half, 'train_sessions.txt'), '1 2\n');
      expect(() => detectDatasetFormat(half)).toThrow(/lacks test_prefix_target.tsv/);
      expect(() => detectDatasetFormat(join(dir, 'missing'))).toThrow(/does not exist/);
      const empty = join(dir, 'empty.txt');
      writeFileSync(empty, '\n\n');
      expect(() => detectDatasetFormat(empty)).toThrow(/empty/);
    });
  });

  it('reads lines across chunk boundaries and without a final newline', () => {
    const file = join(dir, 'long.txt');
    const lines = Array.from({ length: 3000 }, (_, i) => `${i} ${'x'.repeat(i % 997)}`);
    writeFileSync(file, lines.join('\n'));
    const seen: string[] = [];
    forEachLine(file, (l) => void seen.push(l));
    expect(seen).toEqual(lines);
  });

  it('expands sequences into every prefix -> next item pair and selects by index', () => {
    const seqs = sequencesFromArrays([[1, 2, 3], [4], [5, 6]]);
    const cases = expandPrefixes(seqs);
    expect(sequencesToArrays(cases.prefixes)).toEqual([[1], [1, 2], [5]]);
    expect(Array.from(cases.targets)).toEqual([2, 3, 6]);
    expect(sequencesToArrays(selectSequences(seqs, [2, 0]))).toEqual([
      [5, 6],
      [1, 2, 3],
    ]);
  });
});
