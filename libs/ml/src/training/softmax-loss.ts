import * as tf from '@tensorflow/tfjs';
import type { SeededRandom } from '../util/random';

export interface CandidatePool {
  /** Encoder rows (item + 1) of the pool, distinct. */
  readonly rows: Int32Array;
  /** Column of each target in the pool. */
  readonly targetColumns: Int32Array;
  /** log of each pool item's inclusion probability (logQ correction), or undefined for the full catalogue. */
  readonly logInclusion?: Float32Array;
}

/**
 * Sampled softmax candidates: the batch's own targets (in-batch negatives for
 * each other) plus `negatives` items drawn with replacement from
 * q ∝ (count + 1)^alpha (alpha 0: uniform). Logits are corrected by the log of
 * each item's probability of being in the pool,
 * pi_j = 1 - (1 - f_j)^targets * (1 - q_j)^negatives (f = target frequency),
 * so the sampled softmax estimates the full one (Bengio & Senecal; Yi et al. 2019).
 */
export class CandidateSampler {
  private readonly cumulative: Float64Array;
  private readonly logStayOutTarget: Float64Array;
  private readonly logStayOutSample: Float64Array;
  private readonly stamp: Int32Array;
  private readonly column: Int32Array;
  private round = 0;

  constructor(
    readonly numItems: number,
    targetCounts: Float64Array,
    readonly negatives: number,
    alpha: number,
  ) {
    let totalTargets = 0;
    for (let i = 0; i < numItems; i++) totalTargets += targetCounts[i];
    const weights = new Float64Array(numItems);
    let totalWeight = 0;
    for (let i = 0; i < numItems; i++) {
      weights[i] = Math.pow(targetCounts[i] + 1, alpha);
      totalWeight += weights[i];
    }
    this.cumulative = new Float64Array(numItems);
    this.logStayOutTarget = new Float64Array(numItems);
    this.logStayOutSample = new Float64Array(numItems);
    let acc = 0;
    for (let i = 0; i < numItems; i++) {
      acc += weights[i] / totalWeight;
      this.cumulative[i] = acc;
      const f = totalTargets > 0 ? targetCounts[i] / totalTargets : 0;
      this.logStayOutTarget[i] = Math.log1p(-Math.min(f, 1 - 1e-12));
      this.logStayOutSample[i] = Math.log1p(-Math.min(weights[i] / totalWeight, 1 - 1e-12));
    }
    this.stamp = new Int32Array(numItems);
    this.column = new Int32Array(numItems);
  }

  private draw(rng: SeededRandom): number {
    const u = rng.next();
    let lo = 0;
    let hi = this.numItems - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  pool(targets: Int32Array, rng: SeededRandom): CandidatePool {
    const stamp = ++this.round;
    const items: number[] = [];
    const add = (item: number) => {
      if (this.stamp[item] !== stamp) {
        this.stamp[item] = stamp;
        this.column[item] = items.length;
        items.push(item);
      }
    };
    for (let i = 0; i < targets.length; i++) add(targets[i]);
    for (let s = 0; s < this.negatives; s++) add(this.draw(rng));
    const rows = new Int32Array(items.length);
    const logInclusion = new Float32Array(items.length);
    for (let c = 0; c < items.length; c++) {
      const j = items[c];
      rows[c] = j + 1;
      const logOut =
        targets.length * this.logStayOutTarget[j] + this.negatives * this.logStayOutSample[j];
      // log(1 - exp(logOut)), stable for both small and large logOut.
      logInclusion[c] =
        logOut > -0.693 ? Math.log(-Math.expm1(logOut)) : Math.log1p(-Math.exp(logOut));
    }
    const targetColumns = new Int32Array(targets.length);
    for (let i = 0; i < targets.length; i++) targetColumns[i] = this.column[targets[i]];
    return { rows, targetColumns, logInclusion };
  }
}

/**
 * Softmax cross-entropy of hidden [rows, d] scored against candidates
 * [classes, d] (logits = hidden @ candidates^T - logBias), as ONE op with a
 * hand-written gradient. The [rows, classes] logits are the largest tensors of
 * a training step and the backend's per-element cost dominates there, so the
 * gradient touches them as few times as possible:
 *   G = softmax(logits) with G[r, target_r] -= 1   (one tensorScatterUpdate)
 *   d hidden = G @ candidates / rows,  d candidates = (hidden^T @ G)^T / rows
 * The composed version (matMul, sub, softmax, onehot, mul, sub, transposed
 * matMul gradients) made three more passes over the logits and transposed
 * them in full. (It also hit wasm's OneHot, which writes int32 bits into
 * float32 outputs.)
 */
export function scoredSoftmaxCrossEntropy(
  hidden: tf.Tensor2D,
  candidates: tf.Tensor2D,
  targetColumns: Int32Array,
  logBias?: Float32Array,
): tf.Scalar {
  const rows = hidden.shape[0];
  const classes = candidates.shape[0];
  const pairs = new Int32Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    pairs[2 * r] = r;
    pairs[2 * r + 1] = targetColumns[r];
  }
  const op = tf.customGrad(((h: tf.Tensor2D, c: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const index = tf.tensor2d(pairs, [rows, 2], 'int32');
    let logits = tf.matMul(h, tf.transpose(c) as tf.Tensor2D);
    if (logBias) logits = tf.sub(logits, tf.tensor2d(logBias, [1, classes]));
    const probs = tf.softmax(logits);
    const picked = tf.gatherND(probs, index) as tf.Tensor1D;
    save([h, c, probs, picked, index]);
    return {
      value: tf.neg(tf.mean(tf.log(tf.maximum(picked, 1e-30)))) as tf.Scalar,
      gradFunc: (dy: tf.Scalar, saved: tf.Tensor[]) => {
        const [sh, sc, p, pk, idx] = saved as [
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor1D,
          tf.Tensor2D,
        ];
        const g = tf.tensorScatterUpdate(p, idx, tf.sub(pk, 1)) as tf.Tensor2D;
        const scale = tf.div(dy, rows);
        const dh = tf.mul(tf.matMul(g, sc), scale);
        const dc = tf.mul(tf.transpose(tf.matMul(tf.transpose(sh) as tf.Tensor2D, g)), scale);
        return [dh, dc];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(hidden, candidates) as tf.Scalar;
}

/**
 * Loss of hidden states [rows, d] against their next items: a full softmax
 * over every item when `pool` is undefined, else a sampled softmax over the
 * pool with the logQ correction.
 */
export function nextItemLoss(
  hidden: tf.Tensor2D,
  itemTable: tf.Tensor2D,
  targets: Int32Array,
  pool: CandidatePool | undefined,
): tf.Scalar {
  const [rows1, d] = itemTable.shape;
  if (!pool) {
    const items = tf.slice(itemTable, [1, 0], [rows1 - 1, d]);
    return scoredSoftmaxCrossEntropy(hidden, items, targets);
  }
  const candidates = tf.gather(itemTable, tf.tensor1d(pool.rows, 'int32')) as tf.Tensor2D;
  return scoredSoftmaxCrossEntropy(hidden, candidates, pool.targetColumns, pool.logInclusion);
}
