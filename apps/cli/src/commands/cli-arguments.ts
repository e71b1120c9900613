import { InvalidArgumentError } from 'commander';

/**
 * Option parsers shared by every `pulse` command: each names the option and
 * echoes what was given, so `--items 0` fails with
 * "--items must be a whole number >= 1, got 0". Underscores are allowed as
 * digit separators (`--events 1_000_000`).
 */

const WHOLE = /^\d[\d_]*$/;
const DECIMAL = /^[+-]?(\d[\d_]*)?(\.\d+)?(e[+-]?\d+)?$/i;

function parsed(value: string, pattern: RegExp): number {
  const text = value.trim();
  return text !== '' && pattern.test(text) ? Number(text.replace(/_/g, '')) : Number.NaN;
}

/** A whole number >= min. */
export function wholeNumber(option: string, min: number) {
  return (value: string): number => {
    const n = parsed(value, WHOLE);
    if (!Number.isSafeInteger(n) || n < min)
      throw new InvalidArgumentError(`${option} must be a whole number >= ${min}, got ${value}`);
    return n;
  };
}

/** A finite number > 0. */
export function positiveNumber(option: string) {
  return (value: string): number => {
    const n = parsed(value, DECIMAL);
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${option} must be a positive number, got ${value}`);
    return n;
  };
}

/** A finite number >= 0. */
export function nonNegativeNumber(option: string) {
  return (value: string): number => {
    const n = parsed(value, DECIMAL);
    if (!Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(`${option} must be a number >= 0, got ${value}`);
    return n;
  };
}

/** A number in [0, 1). */
export function fraction(option: string) {
  return (value: string): number => {
    const n = parsed(value, DECIMAL);
    if (!Number.isFinite(n) || n < 0 || n >= 1)
      throw new InvalidArgumentError(`${option} must be a number in [0, 1), got ${value}`);
    return n;
  };
}
