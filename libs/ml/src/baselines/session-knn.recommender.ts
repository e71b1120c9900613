import { selectSequences, sequenceCount } from '../datasets/sequence-dataset';
import type { FitOptions, Recommender, TrainingData } from '../evaluation/recommender';
import { buildInvertedIndex, InvertedIndex } from './item-index';

export interface SessionKnnOptions {
  /** Number of neighbour sessions (default 100). */
  readonly k?: number;
  /**
   * Consider only the `sampleSize` most recent training sessions that share an
   * item with the current one (0 = all of them). Needs training times; without
   * them every sharing session is considered.
   */
  readonly sampleSize?: number;
  /**
   * STAN factor 1 (lambda_spw): weight of the current session's item at
   * position p of L is exp((p - L) / lambdaSpw). 0 = off (binary session vector).
   */
  readonly lambdaSpw?: number;
  /**
   * STAN factor 2 (lambda_snh): neighbour similarity times exp(-(t_now - t_n) / lambdaSnh),
   * in the unit of the training times. 0 = off; ignored without times.
   */
  readonly lambdaSnh?: number;
  /**
   * STAN factor 3 (lambda_inh): item j of a neighbour contributes
   * sim * exp(-|p(j) - p*| / lambdaInh), p* = last position in the neighbour
   * of an item of the current session. 0 = off (every item gets sim).
   */
  readonly lambdaInh?: number;
}

/**
 * Session-based kNN (SKNN, Jannach & Ludewig 2017) and its sequence- and
 * time-aware extension STAN (Garg et al., SIGIR 2019), one implementation:
 * with all three lambdas off this is SKNN with cosine similarity.
 *
 * For the current session s (the history) and a training session n:
 *   sim(s, n) = sum_{i in s ∩ n} w(i) / (sqrt(sum_{i in s} w(i)^2) * sqrt(|n|))
 *               * exp(-(t_now - t_n) / lambdaSnh)
 * with w(i) = exp((p(i) - L) / lambdaSpw) (p = last 1-based position of i in s),
 * sets of distinct items, |n| = distinct items of n. The k most similar
 * sessions vote: score(j) = sum_n sim(s, n) * exp(-|p_n(j) - p_n*| / lambdaInh)
 * for j in n, p_n(j) = last position of j in n and p_n* = last position in n
 * of any item of s (as in the authors' session-rec code). Items of the
 * current session are scored like any other (repeat clicks are real targets;
 * protocols that exclude history mask them).
 *
 * Neighbour search uses an inverted index: candidates are the sessions that
 * share at least one item with s, the `sampleSize` most recent of them when
 * sampling (a k-way merge over the tails of the chronological postings).
 * Because t_now only multiplies every similarity by the same constant, the
 * newest candidate's time stands in for it (also keeps exp() from underflowing).
 */
export class SessionKnnRecommender implements Recommender {
  readonly name: string;
  private readonly k: number;
  private readonly sampleSize: number;
  private readonly lambdaSpw: number;
  private readonly lambdaSnh: number;
  private readonly lambdaInh: number;

  private numItems = 0;
  private index!: InvertedIndex;
  private offsets: Int32Array = new Int32Array(1);
  private items: Int32Array = new Int32Array(0);
  private times: Float64Array | undefined;
  private useSampling = false;

  // per-call scratch
  private curWeight = new Float64Array(0);
  private curStamp = new Int32Array(0);
  private sessionStamp = new Int32Array(0);
  private lastPos = new Int32Array(0);
  private stamp = 0;
  private cand = new Int32Array(0);
  private candSim = new Float64Array(0);
  private heapId = new Int32Array(0);
  private heapSim = new Float64Array(0);
  private ptr = new Int32Array(0);
  private notesList: string[] = [];

  constructor(options: SessionKnnOptions = {}, name = 'sknn') {
    this.name = name;
    this.k = options.k ?? 100;
    this.sampleSize = options.sampleSize ?? 0;
    this.lambdaSpw = options.lambdaSpw ?? 0;
    this.lambdaSnh = options.lambdaSnh ?? 0;
    this.lambdaInh = options.lambdaInh ?? 0;
    if (!(Number.isInteger(this.k) && this.k >= 1))
      throw new RangeError(`k must be an integer >= 1, got ${this.k}`);
    if (!(Number.isInteger(this.sampleSize) && this.sampleSize >= 0)) {
      throw new RangeError(`sampleSize must be an integer >= 0, got ${this.sampleSize}`);
    }
    for (const [key, v] of [
      ['lambdaSpw', this.lambdaSpw],
      ['lambdaSnh', this.lambdaSnh],
      ['lambdaInh', this.lambdaInh],
    ] as const) {
      if (!(v >= 0 && Number.isFinite(v)))
        throw new RangeError(`${key} must be a finite number >= 0 (0 = off), got ${v}`);
    }
  }

  get notes(): readonly string[] {
    return this.notesList;
  }

  fit(train: TrainingData, options: FitOptions = {}): void {
    const n = sequenceCount(train.sequences);
    this.numItems = train.numItems;
    this.notesList = [];
    // Internal session ids in chronological order, so postings are sorted by time.
    let sequences = train.sequences;
    let times = train.times;
    if (times) {
      const t = times;
      let sorted = true;
      for (let i = 1; i < n && sorted; i++) sorted = t[i - 1] <= t[i];
      if (!sorted) {
        const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => t[a] - t[b] || a - b);
        sequences = selectSequences(sequences, order);
        times = Float64Array.from(order, (i) => t[i]);
      }
    }
    this.offsets = sequences.offsets;
    this.items = sequences.items;
    this.times = times;
    this.useSampling = this.sampleSize > 0 && times !== undefined;
    if (this.sampleSize > 0 && !times) {
      this.notesList.push(
        `sampleSize=${this.sampleSize} ignored: training sequences have no times`,
      );
    }
    if (this.lambdaSnh > 0 && !times) {
      this.notesList.push('lambdaSnh ignored: training sequences have no times');
    }
    options.onProgress?.({ fraction: 0.2 });
    this.index = buildInvertedIndex(sequences, train.numItems);
    this.curWeight = new Float64Array(train.numItems);
    this.curStamp = new Int32Array(train.numItems);
    this.lastPos = new Int32Array(train.numItems);
    this.sessionStamp = new Int32Array(n);
    this.stamp = 0;
    this.cand = new Int32Array(Math.max(16, this.useSampling ? this.sampleSize : n));
    this.candSim = new Float64Array(this.cand.length);
    this.heapId = new Int32Array(this.k);
    this.heapSim = new Float64Array(this.k);
    options.onProgress?.({ fraction: 1 });
  }

  scoreAll(history: Int32Array, out: Float32Array): void {
    out.fill(0);
    const stamp = ++this.stamp;
    const { postingStart, sequenceIds, distinctStart, distinctItems } = this.index;

    // 1. The current session: distinct known items and their position weights.
    const L = history.length;
    const cur: number[] = [];
    for (let p = 0; p < L; p++) {
      const item = history[p];
      if (item < 0 || item >= this.numItems) continue;
      if (this.curStamp[item] !== stamp) {
        this.curStamp[item] = stamp;
        cur.push(item);
      }
      this.curWeight[item] = this.lambdaSpw > 0 ? Math.exp((p + 1 - L) / this.lambdaSpw) : 1;
    }
    if (cur.length === 0) return;
    let sumSq = 0;
    for (const item of cur) sumSq += this.curWeight[item] * this.curWeight[item];
    const curNorm = Math.sqrt(sumSq);

    // 2. Candidate sessions: sharing an item, optionally only the most recent sampleSize.
    let nc = 0;
    const cand = this.cand;
    if (this.useSampling) {
      const m = cur.length;
      if (this.ptr.length < m) this.ptr = new Int32Array(Math.max(m, 2 * this.ptr.length));
      const ptr = this.ptr;
      for (let a = 0; a < m; a++) ptr[a] = postingStart[cur[a] + 1];
      while (nc < this.sampleSize) {
        let bestA = -1;
        let bestS = -1;
        for (let a = 0; a < m; a++) {
          if (ptr[a] > postingStart[cur[a]]) {
            const s = sequenceIds[ptr[a] - 1];
            if (s > bestS) {
              bestS = s;
              bestA = a;
            }
          }
        }
        if (bestA < 0) break;
        ptr[bestA]--;
        if (this.sessionStamp[bestS] !== stamp) {
          this.sessionStamp[bestS] = stamp;
          cand[nc++] = bestS;
        }
      }
    } else {
      for (const item of cur) {
        for (let p = postingStart[item]; p < postingStart[item + 1]; p++) {
          const s = sequenceIds[p];
          if (this.sessionStamp[s] !== stamp) {
            this.sessionStamp[s] = stamp;
            cand[nc++] = s;
          }
        }
      }
    }

    // 3. Similarities.
    const times = this.times;
    const decayTime = this.lambdaSnh > 0 && times !== undefined;
    let tRef = -Infinity;
    if (decayTime) for (let c = 0; c < nc; c++) tRef = Math.max(tRef, times![cand[c]]);
    const candSim = this.candSim;
    for (let c = 0; c < nc; c++) {
      const s = cand[c];
      let dot = 0;
      for (let q = distinctStart[s]; q < distinctStart[s + 1]; q++) {
        const j = distinctItems[q];
        if (this.curStamp[j] === stamp) dot += this.curWeight[j];
      }
      let sim = dot / (curNorm * Math.sqrt(distinctStart[s + 1] - distinctStart[s]));
      if (decayTime) sim *= Math.exp(-(tRef - times![s]) / this.lambdaSnh);
      candSim[c] = sim;
    }

    // 4. Top-k by similarity (min-heap on similarity).
    const size = this.selectTopK(nc);

    // 5. Neighbours vote.
    for (let h = 0; h < size; h++) {
      const s = this.heapId[h];
      const sim = this.heapSim[h];
      if (!(sim > 0)) continue;
      if (this.lambdaInh > 0) {
        const start = this.offsets[s];
        const end = this.offsets[s + 1];
        let pStar = -1;
        for (let p = start; p < end; p++) {
          const j = this.items[p];
          this.lastPos[j] = p;
          if (this.curStamp[j] === stamp) pStar = p;
        }
        for (let p = start; p < end; p++) {
          const j = this.items[p];
          if (this.lastPos[j] !== p) continue;
          out[j] += sim * Math.exp(-Math.abs(p - pStar) / this.lambdaInh);
        }
      } else {
        for (let q = distinctStart[s]; q < distinctStart[s + 1]; q++) out[distinctItems[q]] += sim;
      }
    }
  }

  private selectTopK(nc: number): number {
    const k = this.k;
    const ids = this.heapId;
    const sims = this.heapSim;
    let size = 0;
    for (let c = 0; c < nc; c++) {
      const sim = this.candSim[c];
      const id = this.cand[c];
      if (size < k) {
        // sift up
        let i = size++;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if (sims[parent] <= sim) break;
          sims[i] = sims[parent];
          ids[i] = ids[parent];
          i = parent;
        }
        sims[i] = sim;
        ids[i] = id;
      } else if (sim > sims[0]) {
        // replace the root, sift down
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= size) break;
          const r = l + 1;
          const m = r < size && sims[r] < sims[l] ? r : l;
          if (sims[m] >= sim) break;
          sims[i] = sims[m];
          ids[i] = ids[m];
          i = m;
        }
        sims[i] = sim;
        ids[i] = id;
      }
    }
    return size;
  }
}
