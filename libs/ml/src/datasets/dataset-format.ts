import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { headLines, tokens } from './line-reader';
import type { SequenceDataset } from './sequence-dataset';
import {
  loadSessionPrefixDirectory,
  TEST_PREFIX_TARGET_FILE,
  TRAIN_SESSIONS_FILE,
} from './session-prefix.loader';
import { LoadOptions, loadUserSequences } from './user-sequences.loader';

export type DatasetFormat = 'user-sequences' | 'session-prefix';

export interface DetectedFormat {
  readonly format: DatasetFormat;
  /** What to load: the file for user sequences, the directory for session-prefix data. */
  readonly path: string;
}

const SNIFF_LINES = 200;

/**
 * Decides the format from what is on disk:
 * - a directory with train_sessions.txt and test_prefix_target.tsv, or one of
 *   those two files, is session-prefix data (the directory is loaded);
 * - any other file must look like `user item1 item2 ...`: whitespace-separated,
 *   no tabs-with-one-target lines, and a distinct first token on every line.
 * Anything else is rejected with the reason, never guessed.
 */
export function detectDatasetFormat(path: string): DetectedFormat {
  if (!existsSync(path)) throw new Error(`dataset path does not exist: ${path}`);
  if (statSync(path).isDirectory()) {
    const missing = [TRAIN_SESSIONS_FILE, TEST_PREFIX_TARGET_FILE].filter(
      (f) => !existsSync(join(path, f)),
    );
    if (missing.length > 0) {
      throw new Error(
        `dataset directory ${path} lacks ${missing.join(' and ')}; a directory dataset needs ` +
          `${TRAIN_SESSIONS_FILE} and ${TEST_PREFIX_TARGET_FILE}`,
      );
    }
    return { format: 'session-prefix', path };
  }
  const name = basename(path);
  if (name === TRAIN_SESSIONS_FILE || name === TEST_PREFIX_TARGET_FILE) {
    return detectDatasetFormat(dirname(path));
  }
  const lines = headLines(path, SNIFF_LINES).filter((l) => l.trim().length > 0);
  if (lines.length === 0) throw new Error(`dataset file ${path} is empty`);
  if (lines.some((l) => l.includes('\t'))) {
    throw new Error(
      `dataset file ${path} contains tabs, like a prefix<TAB>target file; pass the directory ` +
        `holding ${TRAIN_SESSIONS_FILE} and ${TEST_PREFIX_TARGET_FILE} instead`,
    );
  }
  const firsts = new Set<string>();
  for (const line of lines) {
    const first = tokens(line)[0];
    if (firsts.has(first)) {
      throw new Error(
        `dataset file ${path}: first token "${first}" repeats across lines, so it is not ` +
          '"user item1 item2 ..." (one line per user); for sessions pass a directory with ' +
          `${TRAIN_SESSIONS_FILE} and ${TEST_PREFIX_TARGET_FILE}`,
      );
    }
    firsts.add(first);
  }
  return { format: 'user-sequences', path };
}

/** Detects the format of `path` and loads it. */
export function loadDataset(path: string, options: LoadOptions = {}): SequenceDataset {
  const detected = detectDatasetFormat(path);
  return detected.format === 'session-prefix'
    ? loadSessionPrefixDirectory(detected.path, options)
    : loadUserSequences(detected.path, options);
}
