import { basename, join } from 'node:path';
import { forEachLine, tokens } from './line-reader';
import { ItemIndex, SequenceDataset, SequencesBuilder } from './sequence-dataset';
import type { LoadOptions } from './user-sequences.loader';

export const TRAIN_SESSIONS_FILE = 'train_sessions.txt';
export const TEST_PREFIX_TARGET_FILE = 'test_prefix_target.tsv';

/**
 * A directory holding `train_sessions.txt` (one session per line, item ids in
 * click order) and `test_prefix_target.tsv` (`prefix items<TAB>target`), the
 * SR-GNN / GCE-GNN preprocessing of Diginetica. The training file's order is
 * chronological (SR-GNN sorts sessions by date), so the line ordinal is kept
 * as the session's time; the test sessions come after all of them.
 */
export function loadSessionPrefixDirectory(
  dir: string,
  options: LoadOptions = {},
): SequenceDataset {
  const items = new ItemIndex();
  const sessions = new SequencesBuilder(256 * 1024, 1024 * 1024);
  const trainPath = join(dir, TRAIN_SESSIONS_FILE);
  forEachLine(trainPath, (line) => {
    const parts = tokens(line);
    if (parts.length === 0) return;
    for (const p of parts) sessions.pushItem(items.intern(p));
    sessions.endSequence();
  });

  const testPath = join(dir, TEST_PREFIX_TARGET_FILE);
  const prefixes = new SequencesBuilder(64 * 1024, 256 * 1024);
  const targets: number[] = [];
  forEachLine(testPath, (line, lineNumber) => {
    if (line.trim().length === 0) return;
    const tab = line.indexOf('\t');
    if (tab < 0) {
      throw new Error(
        `${testPath}:${lineNumber}: expected "prefix items<TAB>target", found no tab`,
      );
    }
    const target = line.slice(tab + 1).trim();
    if (target.length === 0 || /\s/.test(target)) {
      throw new Error(`${testPath}:${lineNumber}: expected exactly one target item after the tab`);
    }
    for (const p of tokens(line.slice(0, tab))) prefixes.pushItem(items.intern(p));
    prefixes.endSequence();
    targets.push(items.intern(target));
  });

  const built = sessions.build();
  const count = built.offsets.length - 1;
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) times[i] = i;
  return {
    name: options.name ?? basename(dir),
    kind: 'sessions',
    items,
    sequences: built,
    times,
    heldOut: { prefixes: prefixes.build(), targets: Int32Array.from(targets) },
  };
}
