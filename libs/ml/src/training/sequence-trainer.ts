import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { Presets, SingleBar } from 'cli-progress';
import type { Sequences } from '../datasets/sequence-dataset';
import {
  buildTrainingWindows,
  encodeTrainingBatch,
  makeBatches,
} from '../models/sequence-features';
import type { SequenceEncoder } from '../models/sequence-encoder';
import { deriveSeed, SeededRandom } from '../util/random';
import { CandidateSampler, nextItemLoss } from './softmax-loss';

/** Training settings: all parameters, nothing hard-wired in the loop. */
export interface TrainingSettings {
  /** Epochs to run in this call (a loaded model continues from where it was). */
  readonly epochs: number;
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
  /** Evaluations without improvement before stopping; 0 = never stop early. */
  readonly patience: number;
  /** Validate every n epochs (default 1). */
  readonly evalEvery?: number;
  readonly seed: number;
  /** 'bar': a cli-progress bar per epoch on stderr; 'log': one line per epoch; 'none'. */
  readonly progress?: 'bar' | 'log' | 'none';
  readonly log?: (line: string) => void;
  readonly onProgress?: (fraction: number, message: string) => void;
  /** Checked after every epoch: true stops training as early stopping would (best weights restored). */
  readonly shouldStop?: () => boolean;
  /** Early-stopping metric (higher is better), e.g. holdout NDCG@10 through the harness. */
  readonly validate?: () => number | Promise<number>;
}

export interface EpochRecord {
  readonly epoch: number;
  readonly loss: number;
  readonly seconds: number;
  /**
   * CPU seconds this process spent on the epoch. The wasm and cpu backends run
   * on one thread, so on a machine shared with other work this is what the
   * epoch would take alone.
   */
  readonly cpuSeconds: number;
  /** Next-item targets (positions) per second. */
  readonly examplesPerSecond: number;
  readonly validation?: number;
}

export interface TrainingReport {
  readonly epochs: readonly EpochRecord[];
  readonly bestEpoch: number;
  readonly bestValidation?: number;
  readonly stoppedEarly: boolean;
  readonly seconds: number;
  readonly examplesPerEpoch: number;
  readonly sequencesPerEpoch: number;
}

/** Optimizer state that survives between calls (continued training). */
export interface TrainerState {
  optimizer?: tf.Optimizer;
  epochsDone: number;
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

function targetCounts(sequences: Sequences, numItems: number): Float64Array {
  const counts = new Float64Array(numItems);
  const { offsets, items } = sequences;
  for (let s = 0; s + 1 < offsets.length; s++) {
    for (let i = offsets[s] + 1; i < offsets[s + 1]; i++) counts[items[i]]++;
  }
  return counts;
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
  const log = settings.log ?? ((line: string) => console.error(line));
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
  const records: EpochRecord[] = [];
  const evalEvery = Math.max(1, settings.evalEvery ?? 1);
  let best = -Infinity;
  let bestEpoch = state.epochsDone;
  let bestWeights: tf.Tensor[] | undefined;
  let sinceBest = 0;
  let stoppedEarly = false;
  const started = performance.now();
  const mode = settings.progress ?? 'bar';

  for (let e = 0; e < settings.epochs; e++) {
    const epoch = state.epochsDone + 1;
    const batches = makeBatches(windows, settings.batchSize, rng);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let lossSum = 0;
    let seen = 0;
    const bar =
      mode === 'bar'
        ? new SingleBar(
            {
              format: `epoch ${epoch} [{bar}] {value}/{total} batches | loss {loss} | {speed} ex/s | {duration_formatted} | ETA {eta_formatted}`,
              stream: process.stderr,
              hideCursor: true,
              etaBuffer: 30,
            },
            Presets.shades_classic,
          )
        : undefined;
    bar?.start(batches.length, 0, { loss: '-', speed: '-' });
    for (let b = 0; b < batches.length; b++) {
      const batch = encodeTrainingBatch(windows, batches[b]);
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
                const picked = tf.gather(
                  flat,
                  tf.tensor1d(batch.positions, 'int32'),
                ) as tf.Tensor2D;
                return nextItemLoss(
                  picked,
                  encoder.itemTable() as tf.Tensor2D,
                  batch.targets,
                  pool,
                );
              },
              true,
              variables,
            ) as tf.Scalar,
        ),
      );
      const value = (await loss.data())[0];
      loss.dispose();
      if (!Number.isFinite(value))
        throw new Error(`training diverged: loss ${value} at epoch ${epoch} batch ${b}`);
      lossSum += value * batch.targets.length;
      seen += batch.targets.length;
      const elapsed = (performance.now() - t0) / 1000;
      bar?.update(b + 1, {
        loss: (lossSum / seen).toFixed(4),
        speed: Math.round(seen / Math.max(elapsed, 1e-9)).toString(),
      });
      settings.onProgress?.(
        (e + (b + 1) / batches.length) / settings.epochs,
        `epoch ${epoch} loss ${(lossSum / seen).toFixed(4)} ${Math.round(seen / Math.max(elapsed, 1e-9))} ex/s`,
      );
    }
    bar?.stop();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    state.epochsDone = epoch;
    let validation: number | undefined;
    if (settings.validate && ((e + 1) % evalEvery === 0 || e + 1 === settings.epochs)) {
      validation = await settings.validate();
    }
    const record: EpochRecord = {
      epoch,
      loss: lossSum / Math.max(1, seen),
      seconds,
      cpuSeconds,
      examplesPerSecond: seen / seconds,
      validation,
    };
    records.push(record);
    if (mode !== 'none') {
      log(
        `epoch ${epoch}: loss ${record.loss.toFixed(4)}, ${seconds.toFixed(1)} s ` +
          `(${cpuSeconds.toFixed(1)} s CPU), ` +
          `${Math.round(record.examplesPerSecond)} ex/s` +
          (validation !== undefined ? `, validation ${validation.toFixed(4)}` : ''),
      );
    }
    if (validation !== undefined) {
      if (validation > best) {
        best = validation;
        bestEpoch = epoch;
        sinceBest = 0;
        bestWeights?.forEach((t) => t.dispose());
        bestWeights = variables.map((v) => tf.clone(v));
      } else if (settings.patience > 0 && ++sinceBest >= settings.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (settings.shouldStop?.()) {
      stoppedEarly = true;
      if (mode !== 'none') log(`stop requested after epoch ${epoch}`);
      break;
    }
  }
  if (bestWeights) {
    if (bestEpoch !== state.epochsDone) {
      variables.forEach((v, i) => v.assign(bestWeights![i]));
      if (mode !== 'none')
        log(`restored the weights of epoch ${bestEpoch} (validation ${best.toFixed(4)})`);
    }
    bestWeights.forEach((t) => t.dispose());
  }
  return {
    epochs: records,
    bestEpoch,
    bestValidation: Number.isFinite(best) ? best : undefined,
    stoppedEarly,
    seconds: (performance.now() - started) / 1000,
    examplesPerEpoch: windows.targets,
    sequencesPerEpoch: windows.offsets.length - 1,
  };
}
