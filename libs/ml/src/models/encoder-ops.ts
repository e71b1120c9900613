import * as tf from '@tensorflow/tfjs';

/**
 * Small building blocks shared by the sequence encoders. They work on 2-D
 * slices ([rows, features]) because a plain 2-D matMul is the fastest path on
 * every backend, and broadcasting batched products have slower gradients.
 */

/** x [.., in] @ w [in, out] + b, reshaped back to x's leading dims. */
export function dense(
  x: tf.Tensor,
  w: tf.Tensor,
  b: tf.Tensor | undefined,
  activation?: 'relu',
): tf.Tensor {
  const inDim = x.shape[x.shape.length - 1];
  const outDim = w.shape[1] as number;
  const lead = x.shape.slice(0, -1);
  const x2 = x.rank === 2 ? (x as tf.Tensor2D) : (tf.reshape(x, [-1, inDim]) as tf.Tensor2D);
  const y = tf.fused.matMul({
    a: x2,
    b: w as tf.Tensor2D,
    bias: b,
    activation: activation ?? 'linear',
  });
  return x.rank === 2 ? y : tf.reshape(y, [...lead, outDim]);
}

/** Layer normalisation over the last axis. */
export function layerNorm(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon = 1e-6,
): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
}

/** Inverted dropout with an explicit seed per call (tfjs has no global seed). */
export function dropout(
  x: tf.Tensor,
  rate: number,
  training: boolean,
  seed: () => number,
): tf.Tensor {
  if (!training || rate <= 0) return x;
  return tf.dropout(x, rate, undefined, seed());
}

/** 1 where the id is an item, 0 where it is padding (id 0); shape [B, L, 1]. */
export function validMask(ids: tf.Tensor): tf.Tensor {
  return tf.expandDims(tf.cast(tf.notEqual(ids, 0), 'float32'), -1);
}

/**
 * Additive attention bias [B, 1, L, L]: 0 where query i may see key j (j <= i
 * and j is an item), -1e9 elsewhere. Sequences are left-padded, so a real
 * query always sees at least itself.
 */
export function causalPaddingBias(ids: tf.Tensor): tf.Tensor {
  const [batch, length] = ids.shape as [number, number];
  const causal = new Float32Array(length * length);
  for (let i = 0; i < length; i++) for (let j = 0; j <= i; j++) causal[i * length + j] = 1;
  const allowed = tf.mul(
    tf.tensor4d(causal, [1, 1, length, length]),
    tf.reshape(tf.cast(tf.notEqual(ids, 0), 'float32'), [batch, 1, 1, length]),
  );
  return tf.mul(tf.sub(allowed, 1), 1e9);
}
