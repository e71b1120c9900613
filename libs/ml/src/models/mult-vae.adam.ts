/**
 * Adam on plain Float32Arrays, dense or row-sparse ("lazy Adam", as
 * tf.contrib's LazyAdamOptimizer): a row's moments are only read and written
 * when the row has a gradient, so a step costs O(rows touched), not
 * O(numItems). Bias correction uses the global step, as LazyAdam does.
 */
export class ArrayAdam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;

  constructor(
    readonly size: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  private stepSize(lr: number, t: number): number {
    return (lr * Math.sqrt(1 - Math.pow(this.beta2, t))) / (1 - Math.pow(this.beta1, t));
  }

  /** Update every entry of `param` with `grad` (same length). */
  dense(param: Float32Array, grad: Float32Array, lr: number, t: number): void {
    this.rangeUpdate(param, grad, 0, 0, param.length, this.stepSize(lr, t));
  }

  /**
   * Row-sparse update: `grads` row i ([width] floats) belongs to param row
   * `rows[i]`. Rows must be distinct.
   */
  rows(
    param: Float32Array,
    width: number,
    rows: Int32Array,
    grads: Float32Array,
    lr: number,
    t: number,
  ): void {
    const a = this.stepSize(lr, t);
    for (let i = 0; i < rows.length; i++) {
      this.rangeUpdate(param, grads, rows[i] * width, i * width, width, a);
    }
  }

  private rangeUpdate(
    param: Float32Array,
    grad: Float32Array,
    at: number,
    from: number,
    count: number,
    stepSize: number,
  ): void {
    const { m, v, beta1: b1, beta2: b2, epsilon } = this;
    for (let k = 0; k < count; k++) {
      const g = grad[from + k];
      const p = at + k;
      const mk = (m[p] = b1 * m[p] + (1 - b1) * g);
      const vk = (v[p] = b2 * v[p] + (1 - b2) * g * g);
      param[p] -= (stepSize * mk) / (Math.sqrt(vk) + epsilon);
    }
  }
}
