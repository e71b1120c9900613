/**
 * Seeded randomness for the synthetic shop. mulberry32 is tiny, fast and
 * reproducible across platforms; nothing here is for secrets.
 *
 * Every part of the shop draws from its own stream, derived from the shop
 * seed and a label (`forkSeed`), so adding a knob to one part (say more
 * shoppers) leaves the others (the catalog) exactly as they were, and asking
 * the ground truth a question never shifts the event stream.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // Mixed, so seeds 1, 2, 3 give unrelated streams.
    this.state = hash32(seed >>> 0) | 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), this.state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [min, max], both included. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(values: readonly T[]): T {
    if (values.length === 0) throw new RangeError('pick from an empty list');
    return values[this.int(values.length)]!;
  }

  /** Standard normal (Box-Muller; one value per call keeps the stream simple to reason about). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Log-normal with the given median and sigma of the underlying normal. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Exponential with the given mean: gaps of a Poisson process. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Geometric number of trials >= 1 with the given mean. */
  geometric(mean: number): number {
    if (mean <= 1) return 1;
    const p = 1 / mean;
    return 1 + Math.floor(Math.log(1 - this.next()) / Math.log(1 - p));
  }

  /** Fisher-Yates, in place. */
  shuffle<T>(values: T[]): T[] {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [values[i], values[j]] = [values[j]!, values[i]!];
    }
    return values;
  }

  /** `k` distinct indices of [0, n), in draw order. */
  sample(n: number, k: number): number[] {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(k, n)) chosen.add(this.int(n));
    return [...chosen];
  }

  /** A version-4-shaped UUID (the wire schema checks the shape only). */
  uuid(): string {
    // Four 32-bit draws, hex-encoded a byte at a time: bulk writers make millions of these.
    const a = this.word();
    const b = this.word();
    const c = this.word();
    const d = this.word();
    return (
      hex8(a) +
      '-' +
      HEX[(b >>> 24) & 0xff] +
      HEX[(b >>> 16) & 0xff] +
      '-4' +
      HEX[(b >>> 8) & 0x0f]!.slice(1) +
      HEX[b & 0xff] +
      '-' +
      HEX[((c >>> 24) & 0x3f) | 0x80] +
      HEX[(c >>> 16) & 0xff] +
      '-' +
      HEX[(c >>> 8) & 0xff] +
      HEX[c & 0xff] +
      hex8(d)
    );
  }

  /** Uniform 32-bit unsigned integer. */
  private word(): number {
    return (this.next() * 4294967296) >>> 0;
  }

  /** Short lowercase hex, e.g. for anonymous shopper ids. */
  hex(length: number): string {
    let out = '';
    while (out.length < length)
      out += ((this.next() * 2 ** 32) >>> 0).toString(16).padStart(8, '0');
    return out.slice(0, length);
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex8 = (w: number) =>
  HEX[w >>> 24]! + HEX[(w >>> 16) & 0xff] + HEX[(w >>> 8) & 0xff] + HEX[w & 0xff];

/** 32-bit integer hash (lowbias32). */
export function hash32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The seed of a named sub-stream: `forkSeed(seed, 'catalog')`, `forkSeed(seed, 'shopper', 42)`. */
export function forkSeed(seed: number, label: string, index = 0): number {
  let h = hash32((seed >>> 0) ^ 0x9e3779b9);
  for (let i = 0; i < label.length; i++) h = hash32(h ^ label.charCodeAt(i));
  return hash32(h ^ hash32(index >>> 0));
}

/**
 * Draws indices in proportion to fixed weights in O(log n): a cumulative
 * array and a binary search. Appending is cheap, so catalogs that grow (new
 * items) keep one sampler per category.
 */
export class WeightedSampler {
  private cumulative: number[] = [];

  constructor(weights: Iterable<number> = []) {
    for (const w of weights) this.push(w);
  }

  get size(): number {
    return this.cumulative.length;
  }

  get total(): number {
    return this.cumulative.length === 0 ? 0 : this.cumulative[this.cumulative.length - 1]!;
  }

  push(weight: number): void {
    if (!(weight >= 0) || !Number.isFinite(weight))
      throw new RangeError(`weight must be finite and >= 0, got ${weight}`);
    this.cumulative.push(this.total + weight);
  }

  /** An index with probability weight/total. */
  draw(random: SeededRandom): number {
    const total = this.total;
    if (total <= 0) throw new RangeError('draw from a sampler without weight');
    const target = random.next() * total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Zipf weights for ranks 1..n: rank r gets 1/r^s. */
export function zipfWeight(rank: number, exponent: number): number {
  return 1 / Math.pow(rank, exponent);
}
