import { basename, extname } from 'node:path';
import { forEachLine, tokens } from './line-reader';
import { ItemIndex, SequenceDataset, SequencesBuilder } from './sequence-dataset';

export interface LoadOptions {
  /** Dataset name in reports; default: the file name without extension (or the directory name). */
  readonly name?: string;
}

/**
 * One user per line, `user item1 item2 ...`, items in chronological order
 * (the S3-Rec preprocessing of the Amazon review data, e.g. Beauty.txt).
 * Ids may be any whitespace-free strings. A user id seen twice is an error:
 * it almost always means the file is a different format (one session per line).
 */
export function loadUserSequences(path: string, options: LoadOptions = {}): SequenceDataset {
  const items = new ItemIndex();
  const builder = new SequencesBuilder(32 * 1024, 256 * 1024);
  const keys: string[] = [];
  const seenUsers = new Set<string>();
  forEachLine(path, (line, lineNumber) => {
    const parts = tokens(line);
    if (parts.length === 0) return;
    const user = parts[0];
    if (seenUsers.has(user)) {
      throw new Error(
        `${path}:${lineNumber}: user "${user}" appears on two lines; expected one line per user ` +
          '("user item1 item2 ...")',
      );
    }
    seenUsers.add(user);
    keys.push(user);
    for (let i = 1; i < parts.length; i++) builder.pushItem(items.intern(parts[i]));
    builder.endSequence();
  });
  return {
    name: options.name ?? basename(path, extname(path)),
    kind: 'users',
    items,
    sequences: builder.build(),
    sequenceKeys: keys,
  };
}
