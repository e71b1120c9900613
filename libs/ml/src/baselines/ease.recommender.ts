import { sequenceCount } from '../datasets/sequence-dataset';
import type { FitOptions, Recommender, TrainingData } from '../evaluation/recommender';
import { buildInvertedIndex } from './item-index';
import { invertSpdInPlace } from './spd-inverse';

export interface EaseOptions {
  /** L2 regularisation lambda (default 50, the datasets README's setting for Beauty). */
  readonly lambda?: number;
  /**
   * Model only the `maxItems` items in the most training sequences (0 = all).
   * The dense n x n Float64 matrix costs 8 n^2 bytes and the inverse n^3/2
   * multiply-adds, so this is what makes EASE possible on large catalogues.
   * Items outside score -Infinity (tied last).
   */
  readonly maxItems?: number;
  /** Refuse to allocate a matrix larger than this many bytes (default 4 GiB). */
  readonly maxMatrixBytes?: number;
  readonly blockSize?: number;
}

/**
 * EASE (Steck, WWW 2019): B = I - P diag(1 / diag(P)), P = (X^T X + lambda I)^-1,
 * X the binary sequence x item matrix of the training data; diag(B) = 0.
 * score(j) = sum over distinct history items i of B[i, j].
 */
export class EaseRecommender implements Recommender {
  readonly name = 'ease';
  private readonly lambda: number;
  private readonly maxItems: number;
  private readonly maxBytes: number;
  private readonly blockSize: number | undefined;
  private b: Float64Array | undefined;
  private size = 0;
  private numItems = 0;
  /** dense item -> row in B, or -1 */
  private local = new Int32Array(0);
  /** row in B -> dense item */
  private global = new Int32Array(0);
  private stamp = new Int32Array(0);
  private counter = 0;
  private notesList: string[] = [];
  private acc = new Float64Array(0);

  constructor(options: EaseOptions = {}) {
    this.lambda = options.lambda ?? 50;
    this.maxItems = options.maxItems ?? 0;
    this.maxBytes = options.maxMatrixBytes ?? 4 * 1024 ** 3;
    this.blockSize = options.blockSize;
    if (!(this.lambda > 0)) throw new RangeError(`lambda must be > 0, got ${this.lambda}`);
    if (!(Number.isInteger(this.maxItems) && this.maxItems >= 0)) {
      throw new RangeError(`maxItems must be an integer >= 0, got ${this.maxItems}`);
    }
  }

  get notes(): readonly string[] {
    return this.notesList;
  }

  /** The learned item-item weights (row-major size x size) and the items they cover, for tests and export. */
  weights(): { size: number; items: Int32Array; b: Float64Array } {
    if (!this.b) throw new Error('EASE is not fitted');
    return { size: this.size, items: this.global, b: this.b };
  }

  fit(train: TrainingData, options: FitOptions = {}): void {
    this.dispose();
    const n = train.numItems;
    this.numItems = n;
    this.notesList = [];
    const index = buildInvertedIndex(train.sequences, n);
    // Items by number of sequences containing them; keep the top maxItems.
    const freq = new Int32Array(n);
    for (let i = 0; i < n; i++) freq[i] = index.postingStart[i + 1] - index.postingStart[i];
    const order = Array.from({ length: n }, (_, i) => i)
      .filter((i) => freq[i] > 0)
      .sort((x, y) => freq[y] - freq[x] || x - y);
    const size = this.maxItems > 0 ? Math.min(this.maxItems, order.length) : order.length;
    const unseen = n - order.length;
    if (size < order.length) {
      let covered = 0;
      let total = 0;
      for (let r = 0; r < order.length; r++) {
        total += freq[order[r]];
        if (r < size) covered += freq[order[r]];
      }
      this.notesList.push(
        `restricted to the ${size} most frequent of ${order.length} training items ` +
          `(${((100 * covered) / total).toFixed(1)}% of training interactions); the rest score -Infinity`,
      );
    }
    if (unseen > 0) this.notesList.push(`${unseen} items never seen in training score -Infinity`);
    const bytes = 8 * size * size;
    if (bytes > this.maxBytes) {
      throw new Error(
        `EASE over ${size} items needs a ${(bytes / 1024 ** 3).toFixed(1)} GiB dense matrix ` +
          `(limit ${(this.maxBytes / 1024 ** 3).toFixed(1)} GiB); set maxItems`,
      );
    }
    const local = new Int32Array(n).fill(-1);
    const global = new Int32Array(size);
    for (let r = 0; r < size; r++) {
      local[order[r]] = r;
      global[r] = order[r];
    }
    // Gram matrix X^T X (lower triangle) + lambda I.
    const g = new Float64Array(size * size);
    const { distinctStart, distinctItems } = index;
    const rows: number[] = [];
    for (let s = 0; s < sequenceCount(train.sequences); s++) {
      rows.length = 0;
      for (let q = distinctStart[s]; q < distinctStart[s + 1]; q++) {
        const r = local[distinctItems[q]];
        if (r >= 0) rows.push(r);
      }
      for (const a of rows) for (const c of rows) if (c <= a) g[a * size + c] += 1;
    }
    for (let r = 0; r < size; r++) g[r * size + r] += this.lambda;
    options.onProgress?.({ fraction: 0.01, message: `inverting ${size}x${size}` });
    invertSpdInPlace(g, size, {
      blockSize: this.blockSize,
      onProgress: (f) =>
        options.onProgress?.({ fraction: 0.01 + 0.98 * f, message: `inverting ${size}x${size}` }),
    });
    // B = -P / diag(P) column-wise, zero diagonal. In place.
    const diag = new Float64Array(size);
    for (let r = 0; r < size; r++) diag[r] = g[r * size + r];
    for (let r = 0; r < size; r++) {
      const row = r * size;
      for (let c = 0; c < size; c++) g[row + c] = -g[row + c] / diag[c];
      g[row + r] = 0;
    }
    this.b = g;
    this.size = size;
    this.local = local;
    this.global = global;
    this.stamp = new Int32Array(n);
    this.counter = 0;
    options.onProgress?.({ fraction: 1 });
  }

  scoreAll(history: Int32Array, out: Float32Array): void {
    const b = this.b;
    if (!b) throw new Error('EASE is not fitted');
    const size = this.size;
    if (this.acc.length !== size) this.acc = new Float64Array(size);
    const acc = this.acc.fill(0);
    const stamp = ++this.counter;
    for (let t = 0; t < history.length; t++) {
      const item = history[t];
      if (item < 0 || item >= this.numItems || this.stamp[item] === stamp) continue;
      this.stamp[item] = stamp;
      const r = this.local[item];
      if (r < 0) continue;
      const row = r * size;
      for (let c = 0; c < size; c++) acc[c] += b[row + c];
    }
    out.fill(-Infinity);
    for (let c = 0; c < size; c++) out[this.global[c]] = acc[c];
  }

  dispose(): void {
    this.b = undefined;
  }
}
