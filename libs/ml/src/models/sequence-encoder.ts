import type * as tf from '@tensorflow/tfjs';

/**
 * What the training loop and the recommender need from a sequence encoder
 * layer: ids + 1 (0 = padding), left-padded [B, L] -> hidden states
 * [B, L, hiddenSize], and the item table it shares with the output layer
 * (row 0 = padding, row i + 1 = item i).
 */
export interface SequenceEncoder {
  readonly numItems: number;
  readonly maxLen: number;
  readonly hiddenSize: number;
  itemTable(): tf.Variable;
  apply(
    inputs: tf.Tensor,
    kwargs?: { training?: boolean },
  ): tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[];
  readonly trainableWeights: tf.LayerVariable[];
}
