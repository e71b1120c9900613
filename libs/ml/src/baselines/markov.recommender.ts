import { sequenceCount } from '../datasets/sequence-dataset';
import type { Recommender, TrainingData } from '../evaluation/recommender';
import { itemCounts } from './popularity.recommender';

/** Largest integer a Float32 holds exactly. */
const FLOAT32_EXACT = 1 << 24;

export interface MarkovOptions {
  /** Order items with equal transition counts by popularity (default true); else they tie. */
  readonly popularityTieBreak?: boolean;
}

/**
 * First-order Markov chain: score(j) = count(last history item -> j) in the
 * training sequences, ties (including every item never seen after it) broken
 * by training popularity. Scores encode the pair lexicographically as
 * count * (R + 1) + popularityRank, exact in Float32 while below 2^24.
 */
export class MarkovRecommender implements Recommender {
  readonly name = 'markov';
  private numItems = 0;
  private rowStart = new Int32Array(1);
  private next = new Int32Array(0);
  private counts = new Float64Array(0);
  private base = new Float32Array(0);
  private scale = 1;
  private approximate = false;

  constructor(private readonly options: MarkovOptions = {}) {}

  get notes(): readonly string[] {
    return this.approximate
      ? [
          'transition counts too large for exact lexicographic Float32 scores; tie-break is approximate',
        ]
      : [];
  }

  fit(train: TrainingData): void {
    const n = train.numItems;
    this.numItems = n;
    const { offsets, items } = train.sequences;
    // Count pairs by sorting pair keys a * n + b (exact in a double up to n ~ 9e7).
    let pairs = 0;
    for (let s = 0; s < sequenceCount(train.sequences); s++)
      pairs += Math.max(0, offsets[s + 1] - offsets[s] - 1);
    const keys = new Float64Array(pairs);
    let p = 0;
    for (let s = 0; s < sequenceCount(train.sequences); s++) {
      for (let i = offsets[s] + 1; i < offsets[s + 1]; i++) keys[p++] = items[i - 1] * n + items[i];
    }
    keys.sort();
    const rowStart = new Int32Array(n + 1);
    const next: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < keys.length;) {
      let j = i + 1;
      while (j < keys.length && keys[j] === keys[i]) j++;
      const a = Math.floor(keys[i] / n);
      rowStart[a + 1]++;
      next.push(keys[i] - a * n);
      counts.push(j - i);
      i = j;
    }
    for (let a = 0; a < n; a++) rowStart[a + 1] += rowStart[a];
    this.rowStart = rowStart;
    this.next = Int32Array.from(next);
    this.counts = Float64Array.from(counts);

    const pop = itemCounts(train);
    const base = new Float32Array(n);
    let ranks = 0;
    if (this.options.popularityTieBreak ?? true) {
      // Dense rank of popularity (0 = least popular) keeps the encoding small.
      const distinct = Array.from(new Set(pop)).sort((x, y) => x - y);
      const rankOf = new Map(distinct.map((v, r) => [v, r]));
      for (let j = 0; j < n; j++) base[j] = rankOf.get(pop[j])!;
      ranks = distinct.length;
    }
    this.base = base;
    this.scale = ranks + 1;
    let maxCount = 0;
    for (const c of counts) maxCount = Math.max(maxCount, c);
    this.approximate = maxCount * this.scale + ranks >= FLOAT32_EXACT;
  }

  scoreAll(history: Int32Array, out: Float32Array): void {
    out.set(this.base);
    if (history.length === 0) return;
    const last = history[history.length - 1];
    if (last < 0 || last >= this.numItems) return;
    for (let e = this.rowStart[last]; e < this.rowStart[last + 1]; e++) {
      out[this.next[e]] += this.counts[e] * this.scale;
    }
  }
}
