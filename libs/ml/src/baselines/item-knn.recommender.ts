import type { FitOptions, Recommender, TrainingData } from '../evaluation/recommender';
import { buildInvertedIndex } from './item-index';

export interface ItemKnnOptions {
  /**
   * Weight of the history item t steps before the last one is decay^t
   * (1 = plain sum over the history, small = almost only the last item).
   */
  readonly recencyDecay?: number;
  /** Keep only the most similar `neighbors` items per item (0 = all co-occurring items). */
  readonly neighbors?: number;
}

/**
 * Item-based kNN: sim(i, j) = cosine of the binary sequence-incidence vectors
 * (number of sequences holding both over sqrt of the product of their
 * sequence counts); score(j) = sum over history positions of
 * decay^(distance from the end) * sim(h_t, j).
 */
export class ItemKnnRecommender implements Recommender {
  readonly name = 'itemknn';
  private rowStart = new Int32Array(1);
  private neighbor = new Int32Array(0);
  private similarity = new Float32Array(0);
  private numItems = 0;
  private readonly decay: number;
  private readonly keep: number;

  constructor(options: ItemKnnOptions = {}) {
    this.decay = options.recencyDecay ?? 1;
    this.keep = options.neighbors ?? 0;
    if (!(this.decay > 0 && this.decay <= 1))
      throw new RangeError(`recencyDecay must be in (0, 1], got ${this.decay}`);
    if (!(Number.isInteger(this.keep) && this.keep >= 0))
      throw new RangeError(`neighbors must be an integer >= 0, got ${this.keep}`);
  }

  fit(train: TrainingData, options: FitOptions = {}): void {
    const n = train.numItems;
    this.numItems = n;
    const index = buildInvertedIndex(train.sequences, n);
    const { postingStart, sequenceIds, distinctStart, distinctItems } = index;
    const acc = new Float64Array(n);
    const touched = new Int32Array(n);
    const rowStart = new Int32Array(n + 1);
    let nbr = new Int32Array(1 << 20);
    let sim = new Float32Array(1 << 20);
    let nnz = 0;
    const order: number[] = [];
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let p = postingStart[i]; p < postingStart[i + 1]; p++) {
        const s = sequenceIds[p];
        for (let q = distinctStart[s]; q < distinctStart[s + 1]; q++) {
          const j = distinctItems[q];
          if (j === i) continue;
          if (acc[j] === 0) touched[t++] = j;
          acc[j]++;
        }
      }
      const ni = postingStart[i + 1] - postingStart[i];
      let rowIds: ArrayLike<number> = touched;
      let rowLen = t;
      if (this.keep > 0 && t > this.keep) {
        order.length = 0;
        for (let a = 0; a < t; a++) order.push(touched[a]);
        const cos = (j: number): number =>
          acc[j] / Math.sqrt(postingStart[j + 1] - postingStart[j]);
        order.sort((x, y) => cos(y) - cos(x) || x - y);
        rowIds = order;
        rowLen = this.keep;
      }
      if (nnz + rowLen > nbr.length) {
        const size = Math.max(nbr.length * 2, nnz + rowLen);
        const g1 = new Int32Array(size);
        g1.set(nbr.subarray(0, nnz));
        nbr = g1;
        const g2 = new Float32Array(size);
        g2.set(sim.subarray(0, nnz));
        sim = g2;
      }
      for (let a = 0; a < rowLen; a++) {
        const j = rowIds[a];
        nbr[nnz] = j;
        sim[nnz] = acc[j] / Math.sqrt(ni * (postingStart[j + 1] - postingStart[j]));
        nnz++;
      }
      for (let a = 0; a < t; a++) acc[touched[a]] = 0;
      rowStart[i + 1] = nnz;
      if (options.onProgress && (i & 1023) === 0) options.onProgress({ fraction: i / n });
    }
    this.rowStart = rowStart;
    this.neighbor = nbr.slice(0, nnz);
    this.similarity = sim.slice(0, nnz);
  }

  scoreAll(history: Int32Array, out: Float32Array): void {
    out.fill(0);
    let w = 1;
    for (let t = history.length - 1; t >= 0; t--, w *= this.decay) {
      const i = history[t];
      if (i < 0 || i >= this.numItems) continue;
      for (let e = this.rowStart[i]; e < this.rowStart[i + 1]; e++)
        out[this.neighbor[e]] += w * this.similarity[e];
    }
  }
}
