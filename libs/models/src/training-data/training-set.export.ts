import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { categoryKeys, priceBandOf } from '@pulse/ml/datasets/item-features';
import { sequenceAt, sequenceCount, type Sequences } from '@pulse/ml/datasets/sequence-dataset';
import {
  TEST_PREFIX_TARGET_FILE,
  TRAIN_SESSIONS_FILE,
} from '@pulse/ml/datasets/session-prefix.loader';
import type { TrainingSet } from './training-set.types';

export const USERS_FILE = 'users.txt';
export const USER_WEIGHTS_FILE = 'users.weights.txt';
export const SESSIONS_DIR = 'sessions';
export const ITEMS_FILE = 'items.jsonl';
export const MANIFEST_FILE = 'manifest.json';

/**
 * Ids in the text formats are whitespace-separated tokens, but Pulse ids may
 * contain spaces: whitespace and `%` are percent-encoded (`sku 1` -> `sku%201`),
 * everything else is written as is, so ordinary ids stay readable.
 */
export function encodeIdToken(id: string): string {
  return id.replace(/[%\s]/gu, (c) => encodeURIComponent(c));
}

export function decodeIdToken(token: string): string {
  return decodeURIComponent(token);
}

export interface ExportedFiles {
  readonly users: string;
  readonly userWeights: string;
  readonly sessions: string;
  readonly items: string;
  readonly manifest: string;
}

/**
 * Writes a training set in the formats libs/ml's loaders read, plus what they
 * can't carry:
 * - users.txt: `shopper item1 item2 ...`, time-ordered (loadDataset reads it as users data);
 * - users.weights.txt: the same lines with each interaction's weight;
 * - sessions/train_sessions.txt + test_prefix_target.tsv: train and validation
 *   sessions in order of their end, then the test sessions' prefix<TAB>target cases;
 * - items.jsonl: per dense id (users.txt order), the Pulse id, its token and content features;
 * - manifest.json: the log bound, options, cut-offs and stats.
 */
export function exportTrainingSet(
  set: TrainingSet,
  dir: string,
  exportedAt: Date = new Date(),
): ExportedFiles {
  mkdirSync(join(dir, SESSIONS_DIR), { recursive: true });
  const files: ExportedFiles = {
    users: join(dir, USERS_FILE),
    userWeights: join(dir, USER_WEIGHTS_FILE),
    sessions: join(dir, SESSIONS_DIR),
    items: join(dir, ITEMS_FILE),
    manifest: join(dir, MANIFEST_FILE),
  };
  const tokens = set.users.items.externalIds().map(encodeIdToken);
  const keys = (set.users.sequenceKeys ?? []).map(encodeIdToken);
  const users = set.users.sequences;

  withLines(files.users, (line) => {
    for (let u = 0; u < sequenceCount(users); u++)
      line(`${keys[u]} ${itemTokens(sequenceAt(users, u), tokens)}`);
  });
  withLines(files.userWeights, (line) => {
    for (let u = 0; u < sequenceCount(users); u++) {
      const weights = set.userWeights.subarray(users.offsets[u], users.offsets[u + 1]);
      line(`${keys[u]} ${Array.from(weights).join(' ')}`);
    }
  });
  withLines(join(files.sessions, TRAIN_SESSIONS_FILE), (line) => {
    forEachSequence(set.sessions.sequences, (s) => line(itemTokens(s, tokens)));
  });
  withLines(join(files.sessions, TEST_PREFIX_TARGET_FILE), (line) => {
    const heldOut = set.sessions.heldOut;
    if (!heldOut) return;
    forEachSequence(heldOut.prefixes, (prefix, i) =>
      line(`${itemTokens(prefix, tokens)}\t${tokens[heldOut.targets[i]]}`),
    );
  });
  withLines(files.items, (line) => {
    set.users.items.externalIds().forEach((id, dense) => {
      const content = set.itemFeatures.items[dense];
      line(
        JSON.stringify({
          dense,
          id,
          token: tokens[dense],
          listed: set.itemListed[dense] === 1,
          ...(content && {
            categoryPath: content.categoryPath,
            categoryKeys: categoryKeys(content.categoryPath),
            brand: content.brand ?? null,
            price: content.price,
            priceBand: priceBandOf(content.price) ?? null,
            titleTokens: content.titleTokens,
          }),
        }),
      );
    });
  });
  writeFileSync(files.manifest, `${JSON.stringify(manifestOf(set, exportedAt), null, 2)}\n`);
  return files;
}

/** manifest.json: enough to reproduce the export (bound and options) and to judge it (stats). */
export function manifestOf(set: TrainingSet, exportedAt: Date): Record<string, unknown> {
  const time = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
  return {
    format: 'pulse-training-set',
    version: 1,
    exportedAt: exportedAt.toISOString(),
    untilPosition: set.untilPosition.toString(),
    files: {
      users: USERS_FILE,
      userWeights: USER_WEIGHTS_FILE,
      sessions: `${SESSIONS_DIR}/`,
      items: ITEMS_FILE,
    },
    split: {
      validationFrom: time(set.split.validationFrom),
      testFrom: time(set.split.testFrom),
      userTrainSequences: sequenceCount(set.split.users.train),
      userCases: {
        validation: set.split.users.validation.targets.length,
        test: set.split.users.test.targets.length,
      },
      sessionTrainSequences: sequenceCount(set.split.sessions.train),
      sessionCases: {
        validation: set.split.sessions.validation.targets.length,
        test: set.split.sessions.test.targets.length,
      },
    },
    stats: { ...set.stats, lastPositionRead: set.stats.lastPositionRead.toString() },
    options: set.options,
  };
}

function itemTokens(sequence: Int32Array, tokens: readonly string[]): string {
  let out = '';
  for (let k = 0; k < sequence.length; k++) out += (k === 0 ? '' : ' ') + tokens[sequence[k]];
  return out;
}

function forEachSequence(sequences: Sequences, visit: (s: Int32Array, i: number) => void): void {
  for (let i = 0; i < sequenceCount(sequences); i++) visit(sequenceAt(sequences, i), i);
}

/** Buffered line writer: exports reach hundreds of MB, too much for one string. */
function withLines(path: string, write: (line: (text: string) => void) => void): void {
  const fd = openSync(path, 'w');
  try {
    let buffer: string[] = [];
    let size = 0;
    const flush = () => {
      if (buffer.length > 0) writeSync(fd, buffer.join(''));
      buffer = [];
      size = 0;
    };
    write((text) => {
      buffer.push(text, '\n');
      size += text.length + 1;
      if (size >= 1 << 20) flush();
    });
    flush();
  } finally {
    closeSync(fd);
  }
}
