import * as tf from '@tensorflow/tfjs';
import type { Sequences } from '../datasets/sequence-dataset';
import {
  buildTrainingWindows,
  encodeTrainingBatch,
  makeBatches,
} from '../models/sequence-features';
import type { SequenceEncoder } from '../models/sequence-encoder';
import { deriveSeed, SeededRandom } from '../util/random';
import { EpochLoopSettings, runEpochs, TrainerState, TrainingReport } from './epoch-loop';
import type { EpochProgressMode } from './epoch-progress';
import { CandidateSampler, nextItemLoss } from './softmax-loss';
import { targetCounts } from './target-counts';

export type { EpochRecord, TrainerState, TrainingReport } from './epoch-loop';

/** Training settings: all parameters, nothing hard-wired in the loop. */
export interface TrainingSettings extends EpochLoopSettings {
  readonly batchSize: number;
  readonly learningRate: number;
  readonly adamBeta1?: number;
  readonly adamBeta2?: number;
  /** 0 (or >= items): full softmax over every item; else sampled softmax with this many sampled negatives. */
  readonly negatives: number;
  /** Negative sampling distribution (count + 1)^alpha; 0 = uniform. */
  readonly negativeAlpha?: number;
  /** Subtract log inclusion probability from sampled logits (default true). */
  readonly logQ?: boolean;
  readonly windows?: 'last' | 'all';
  readonly seed: number;
  /** Default 1 (and at least 1). */
  readonly evalEvery?: number;
  /** Default 'bar'. */
  readonly progress?: EpochProgressMode;
}

function withContext<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    error.message = `${where}: ${error.message}`;
    throw error;
  }
}

/**
 * Trains a sequence encoder on next-item prediction at every position
 * (SASRec's objective; for a GRU the padded-sequence form of GRU4Rec's),
 * with Adam, full or sampled softmax, and early stopping on `validate`.
 * The best epoch's weights are restored at the end.
 */
export async function trainSequenceModel(
  encoder: SequenceEncoder,
  sequences: Sequences,
  settings: TrainingSettings,
  state: TrainerState = { epochsDone: 0 },
): Promise<TrainingReport> {
  const numItems = encoder.numItems;
  const windows = buildTrainingWindows(sequences, {
    maxLen: encoder.maxLen,
    windows: settings.windows,
  });
  const full = settings.negatives <= 0 || settings.negatives >= numItems;
  const sampler = full
    ? undefined
    : new CandidateSampler(
        numItems,
        targetCounts(sequences, numItems),
        settings.negatives,
        settings.negativeAlpha ?? 0,
      );
  const useLogQ = settings.logQ ?? true;
  const optimizer = (state.optimizer ??= tf.train.adam(
    settings.learningRate,
    settings.adamBeta1 ?? 0.9,
    settings.adamBeta2 ?? 0.98,
  ));
  const variables = encoder.trainableWeights.map((w) => w.read() as tf.Variable);
  const rng = new SeededRandom(deriveSeed(settings.seed, `train/${state.epochsDone}`));

  /** One Adam step on batch `b` (window indices): next-item softmax at every target position. */
  async function step(epoch: number, b: number, windowIds: Int32Array) {
    const batch = encodeTrainingBatch(windows, windowIds);
    const pool = sampler?.pool(batch.targets, rng);
    if (pool && !useLogQ) (pool as { logInclusion?: Float32Array }).logInclusion = undefined;
    const loss = withContext(`epoch ${epoch} batch ${b} (${batch.rows}x${batch.length})`, () =>
      tf.tidy(
        (): tf.Scalar =>
          optimizer.minimize(
            () => {
              const ids = tf.tensor2d(batch.ids, [batch.rows, batch.length], 'int32');
              const hidden = encoder.apply(ids, { training: true }) as tf.Tensor3D;
              const flat = tf.reshape(hidden, [batch.rows * batch.length, encoder.hiddenSize]);
              const picked = tf.gather(flat, tf.tensor1d(batch.positions, 'int32')) as tf.Tensor2D;
              return nextItemLoss(picked, encoder.itemTable() as tf.Tensor2D, batch.targets, pool);
            },
            true,
            variables,
          ) as tf.Scalar,
      ),
    );
    const value = (await loss.data())[0];
    loss.dispose();
    return { loss: value, examples: batch.targets.length };
  }

  return runEpochs({
    settings: {
      ...settings,
      evalEvery: Math.max(1, settings.evalEvery ?? 1),
      progress: settings.progress ?? 'bar',
    },
    text: {
      barFormat: (epoch) =>
        `epoch ${epoch} [{bar}] {value}/{total} batches | loss {loss} | {speed} ex/s | {duration_formatted} | ETA {eta_formatted}`,
      progressMessage: (epoch, loss, speed) => `epoch ${epoch} loss ${loss} ${speed} ex/s`,
      logStopRequest: true,
    },
    state,
    variables,
    epochBatches: (epoch) => {
      const batches = makeBatches(windows, settings.batchSize, rng);
      return { count: batches.length, step: (b) => step(epoch, b, batches[b]) };
    },
    examplesPerEpoch: windows.targets,
    sequencesPerEpoch: windows.offsets.length - 1,
  });
}
