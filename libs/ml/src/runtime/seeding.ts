import { deriveSeed, hash32 } from '../util/random';

/**
 * Seeds for repeatable runs. TensorFlow.js has no global seed: every random
 * op (initializers, dropout, randomUniform) takes its own. A `SeedStream`
 * hands out a different, reproducible seed per call, so a model built and
 * trained twice from the same seed draws the same numbers (on the same
 * backend; wasm and cpu round differently).
 */
export class SeedStream {
  private counter = 0;
  private readonly base: number;

  constructor(seed: number, label = '') {
    this.base = label ? deriveSeed(seed, label) : hash32(seed >>> 0);
  }

  /** The next seed, a non-negative 31-bit integer (tfjs's seedrandom accepts any number). */
  next(): number {
    this.counter++;
    return hash32((this.base ^ Math.imul(this.counter, 0x9e3779b1)) >>> 0) & 0x7fffffff;
  }

  /** An independent child stream (e.g. one per layer). */
  child(label: string): SeedStream {
    return new SeedStream(this.base, label);
  }
}

/** A seed for a named purpose, e.g. seedFor(42, 'sasrec/init'). */
export function seedFor(seed: number, label: string): number {
  return deriveSeed(seed, label) & 0x7fffffff;
}
