import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const CHUNK_BYTES = 1 << 20;

/**
 * Calls `onLine` for every line of a text file, reading it in 1 MB chunks so
 * memory stays flat whatever the file size. Synchronous on purpose: the
 * loaders run in offline tools where blocking is fine and sync reads are
 * several times faster than a readline stream. Strips "\r" of CRLF files.
 * `onLine` returns false to stop early.
 */
export function forEachLine(
  path: string,
  onLine: (line: string, lineNumber: number) => boolean | void,
): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    const decoder = new StringDecoder('utf8');
    let carry = '';
    let lineNumber = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      const text =
        read > 0 ? carry + decoder.write(buffer.subarray(0, read)) : carry + decoder.end();
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        lineNumber++;
        if (onLine(text.slice(start, end), lineNumber) === false) return;
        start = nl + 1;
      }
      carry = text.slice(start);
      if (read <= 0) {
        if (carry.length > 0) {
          lineNumber++;
          const end = carry.charCodeAt(carry.length - 1) === 13 ? carry.length - 1 : carry.length;
          onLine(carry.slice(0, end), lineNumber);
        }
        return;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Whitespace-separated tokens of a line (spaces or tabs, any run length). */
export function tokens(line: string): string[] {
  const trimmed = line.trim();
  return trimmed.length === 0 ? [] : trimmed.split(/\s+/);
}

/** The first `max` lines (for format sniffing). */
export function headLines(path: string, max: number): string[] {
  const lines: string[] = [];
  forEachLine(path, (line) => {
    lines.push(line);
    return lines.length < max;
  });
  return lines;
}
