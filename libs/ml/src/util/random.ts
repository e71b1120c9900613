/**
 * Small seeded PRNG (mulberry32): fast, 32-bit state, good enough for
 * sampling negatives and shuffling; reproducible across runs and platforms.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // Mix the seed so that 0, 1, 2... give unrelated streams.
    this.state = hash32(seed >>> 0) | 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher-Yates, in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  }
}

/** 32-bit integer hash (lowbias32), also used to derive sub-seeds. */
export function hash32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A seed for a named sub-stream, so that e.g. validation and test negatives differ. */
export function deriveSeed(seed: number, label: string): number {
  let h = hash32(seed >>> 0);
  for (let i = 0; i < label.length; i++) h = hash32(h ^ label.charCodeAt(i));
  return h;
}
