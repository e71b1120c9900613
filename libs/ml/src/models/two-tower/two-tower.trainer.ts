import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { Presets, SingleBar } from 'cli-progress';
import type { Sequences } from '../../datasets/sequence-dataset';
import type { EpochRecord, TrainingReport } from '../../training/sequence-trainer';
import { CandidateSampler, scoredSoftmaxCrossEntropy } from '../../training/softmax-loss';
import { deriveSeed, SeededRandom } from '../../util/random';
import {
  buildExamples,
  EncodedHistories,
  HistoryEncoder,
  makeExampleBatches,
} from './two-tower.batches';
import type { TwoTowerNetwork } from './two-tower.model';

export interface TwoTowerTrainingSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** 0 (or >= items): full softmax; else in-batch targets + this many sampled negatives. */
  readonly negatives: number;
  readonly negativeAlpha: number;
  readonly logQ: boolean;
  /** Share of items whose id embedding is dropped per step (0 without content). */
  readonly idDropout: number;
  /**
   * Share of examples whose recent items are hidden (interest state kept), so
   * the shopper tower also learns to work from the profile alone (content models).
   */
  readonly historyDropout: number;
  /** Items of a prefix the derived interest looks at (>= the id window). */
  readonly interestWindow: number;
  readonly patience: number;
  readonly evalEvery: number;
  readonly seed: number;
  readonly progress: 'bar' | 'log' | 'none';
  readonly log?: (line: string) => void;
  readonly onProgress?: (fraction: number, message: string) => void;
  readonly shouldStop?: () => boolean;
  /** Early-stopping metric (higher is better), through the harness. */
  readonly validate?: () => number | Promise<number>;
}

export interface TwoTowerTrainerState {
  optimizer?: tf.Optimizer;
  epochsDone: number;
}

function targetCounts(sequences: Sequences, numItems: number): Float64Array {
  const counts = new Float64Array(numItems);
  const { offsets, items } = sequences;
  for (let s = 0; s + 1 < offsets.length; s++) {
    for (let i = offsets[s] + 1; i < offsets[s + 1]; i++) counts[items[i]]++;
  }
  return counts;
}

function keepMask(
  count: number,
  rate: number,
  rng: SeededRandom,
  base?: Float32Array,
): Float32Array {
  const keep = base ? Float32Array.from(base) : new Float32Array(count).fill(1);
  if (rate > 0) for (let i = 0; i < count; i++) if (rng.next() < rate) keep[i] = 0;
  return keep;
}

/** Hides whole histories (ids, presence, content) of a random share of rows, in place. */
function dropHistories(
  enc: EncodedHistories,
  rate: number,
  width: number,
  rng: SeededRandom,
): void {
  const l = enc.length;
  for (let r = 0; r < enc.rows; r++) {
    if (rng.next() >= rate) continue;
    enc.ids.fill(0, r * l, (r + 1) * l);
    enc.present.fill(0, r * l, (r + 1) * l);
    enc.slots?.fill(0, r * l * width, (r + 1) * l * width);
  }
}

/** What one gradient step needs besides its batch: loss settings, sampler, optimizer, randomness. */
export interface TwoTowerStepContext {
  readonly settings: Pick<
    TwoTowerTrainingSettings,
    'negatives' | 'logQ' | 'idDropout' | 'historyDropout'
  >;
  /** Undefined: full softmax over the catalogue. */
  readonly sampler?: CandidateSampler;
  readonly allRows: Int32Array;
  readonly optimizer: tf.Optimizer;
  readonly rng: SeededRandom;
}

/** The two-tower's Adam (beta2 0.98, as SASRec's). */
export const twoTowerOptimizer = (learningRate: number): tf.AdamOptimizer =>
  tf.train.adam(learningRate, 0.9, 0.98);

/** The step context of a run: the optimizer is the state's (Adam, created on first use). */
function stepContext(
  net: TwoTowerNetwork,
  settings: Pick<
    TwoTowerTrainingSettings,
    'negatives' | 'negativeAlpha' | 'logQ' | 'idDropout' | 'historyDropout' | 'learningRate'
  >,
  counts: Float64Array,
  state: TwoTowerTrainerState,
  rng: SeededRandom,
): TwoTowerStepContext {
  const numItems = net.config.numItems;
  const full = settings.negatives <= 0 || settings.negatives >= numItems;
  return {
    settings,
    sampler: full
      ? undefined
      : new CandidateSampler(numItems, counts, settings.negatives, settings.negativeAlpha),
    allRows: Int32Array.from({ length: numItems }, (_, i) => i + 1),
    optimizer: (state.optimizer ??= twoTowerOptimizer(settings.learningRate)),
    rng,
  };
}

/**
 * One gradient step on a batch of (history, next item) pairs: histories are
 * dense ids, oldest first (the encoder reads the latest maxLen for the
 * towers and the whole history for the derived interest). Returns the
 * batch's mean loss (not checked: the caller decides what a non-finite loss means).
 */
async function twoTowerStep(
  net: TwoTowerNetwork,
  encoder: HistoryEncoder,
  itemSlots: Int32Array,
  histories: readonly Int32Array[],
  targets: Int32Array,
  ctx: TwoTowerStepContext,
): Promise<number> {
  const { settings, rng } = ctx;
  const width = net.slotWidths.item;
  const enc = encoder.encode(histories);
  if (settings.historyDropout > 0) dropHistories(enc, settings.historyDropout, width, rng);
  const historyKeep = keepMask(enc.present.length, settings.idDropout, rng, enc.present);
  const pool = ctx.sampler?.pool(targets, rng);
  const rows = pool ? pool.rows : ctx.allRows;
  const targetColumns = pool ? pool.targetColumns : targets;
  const logBias = pool && settings.logQ ? pool.logInclusion : undefined;
  let candidateSlots: Int32Array | undefined;
  if (net.hasContent) {
    candidateSlots = new Int32Array(rows.length * width);
    for (let c = 0; c < rows.length; c++) {
      const o = rows[c] * width;
      candidateSlots.set(itemSlots.subarray(o, o + width), c * width);
    }
  }
  const candidateKeep = keepMask(rows.length, settings.idDropout, rng);
  const loss = tf.tidy(
    (): tf.Scalar =>
      ctx.optimizer.minimize(
        () => {
          const shopper = net.embedShoppers(
            {
              ids: tf.tensor1d(enc.ids, 'int32'),
              slots: enc.slots && tf.tensor2d(enc.slots, [enc.ids.length, width], 'int32'),
              idKeep: tf.tensor2d(historyKeep, [historyKeep.length, 1]),
            },
            tf.tensor2d(enc.present, [enc.rows, enc.length]),
            enc.interest && tf.tensor2d(enc.interest, [enc.rows, net.slotWidths.interest], 'int32'),
            true,
          );
          const candidates = net.embedItems(
            {
              ids: tf.tensor1d(rows, 'int32'),
              slots: candidateSlots && tf.tensor2d(candidateSlots, [rows.length, width], 'int32'),
              idKeep: tf.tensor2d(candidateKeep, [rows.length, 1]),
            },
            true,
          );
          return scoredSoftmaxCrossEntropy(shopper, candidates, targetColumns, logBias);
        },
        true,
        net.trainable,
      ) as tf.Scalar,
  );
  const value = (await loss.data())[0];
  loss.dispose();
  return value;
}

/** Settings of a step-wise pass (trainTwoTowerPairs): the loss and dropout of training, no epochs or validation. */
export type TwoTowerPairSettings = Pick<
  TwoTowerTrainingSettings,
  | 'batchSize'
  | 'learningRate'
  | 'negatives'
  | 'negativeAlpha'
  | 'logQ'
  | 'idDropout'
  | 'historyDropout'
  | 'seed'
> & {
  /**
   * Per item, how often it is a target in the data the pairs come from: the
   * sampled softmax's proposal and logQ correction (default: these pairs' targets).
   */
  readonly targetCounts?: Float64Array;
};

/**
 * One pass over given (history, next item) pairs, in their order, in
 * batches of `batchSize`, with the same loss and dropout as trainTwoTower
 * and the optimizer of `state` (created on first use, kept for the next
 * call: Adam's moments carry over). The learning loop calls it with one
 * small batch at a time and releases the event loop in between. Returns the
 * mean loss over the pairs (NaN/Infinity if a step diverged; not thrown).
 */
export async function trainTwoTowerPairs(
  net: TwoTowerNetwork,
  encoder: HistoryEncoder,
  itemSlots: Int32Array,
  histories: readonly Int32Array[],
  targets: Int32Array,
  settings: TwoTowerPairSettings,
  state: TwoTowerTrainerState,
): Promise<number> {
  if (histories.length !== targets.length) {
    throw new Error(`two-tower: ${histories.length} histories for ${targets.length} targets`);
  }
  const numItems = net.config.numItems;
  let counts = settings.targetCounts;
  if (!counts) {
    counts = new Float64Array(numItems);
    for (const t of targets) counts[t]++;
  }
  const rng = new SeededRandom(deriveSeed(settings.seed, 'two-tower/pairs'));
  const ctx = stepContext(net, settings, counts, state, rng);
  let lossSum = 0;
  for (let start = 0; start < targets.length; start += settings.batchSize) {
    const end = Math.min(targets.length, start + settings.batchSize);
    const value = await twoTowerStep(
      net,
      encoder,
      itemSlots,
      histories.slice(start, end),
      targets.subarray(start, end),
      ctx,
    );
    lossSum += value * (end - start);
  }
  return targets.length > 0 ? lossSum / targets.length : 0;
}

/**
 * Trains both towers on next-item prediction at every position of every
 * sequence: softmax over the full catalogue, or over the batch's targets plus
 * sampled negatives with the logQ correction (Yi et al. 2019, the TFRS
 * retrieval loss). Adam; the best validation epoch's weights are restored.
 */
export async function trainTwoTower(
  net: TwoTowerNetwork,
  encoder: HistoryEncoder,
  itemSlots: Int32Array,
  sequences: Sequences,
  settings: TwoTowerTrainingSettings,
  state: TwoTowerTrainerState,
): Promise<TrainingReport> {
  const log = settings.log ?? ((line: string) => console.error(line));
  const numItems = net.config.numItems;
  const examples = buildExamples(sequences);
  if (examples.targetAt.length === 0) throw new Error('two-tower: no sequence has two items');
  const rng = new SeededRandom(deriveSeed(settings.seed, `two-tower/train/${state.epochsDone}`));
  const step = stepContext(net, settings, targetCounts(sequences, numItems), state, rng);
  const variables = net.trainable;
  const window = Math.max(settings.interestWindow, encoder.maxLen);
  const records: EpochRecord[] = [];
  let best = -Infinity;
  let bestEpoch = state.epochsDone;
  let bestWeights: tf.Tensor[] | undefined;
  let sinceBest = 0;
  let stoppedEarly = false;
  const started = performance.now();
  const { items } = sequences;

  for (let e = 0; e < settings.epochs; e++) {
    const epoch = state.epochsDone + 1;
    const batches = makeExampleBatches(examples, settings.batchSize, encoder.maxLen, rng);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let lossSum = 0;
    let seen = 0;
    const bar =
      settings.progress === 'bar'
        ? new SingleBar(
            {
              format: `two-tower epoch ${epoch} [{bar}] {value}/{total} | loss {loss} | {duration_formatted} | ETA {eta_formatted}`,
              stream: process.stderr,
              hideCursor: true,
              etaBuffer: 30,
            },
            Presets.shades_classic,
          )
        : undefined;
    bar?.start(batches.length, 0, { loss: '-' });
    for (let bi = 0; bi < batches.length; bi++) {
      const batch = batches[bi];
      const histories: Int32Array[] = [];
      const targets = new Int32Array(batch.length);
      for (let r = 0; r < batch.length; r++) {
        const t = examples.targetAt[batch[r]];
        histories.push(items.subarray(Math.max(examples.sequenceStart[batch[r]], t - window), t));
        targets[r] = items[t];
      }
      const value = await twoTowerStep(net, encoder, itemSlots, histories, targets, step);
      if (!Number.isFinite(value)) {
        throw new Error(`two-tower training diverged: loss ${value} at epoch ${epoch} batch ${bi}`);
      }
      lossSum += value * batch.length;
      seen += batch.length;
      bar?.update(bi + 1, { loss: (lossSum / seen).toFixed(4) });
      settings.onProgress?.(
        (e + (bi + 1) / batches.length) / settings.epochs,
        `epoch ${epoch} loss ${(lossSum / seen).toFixed(4)}`,
      );
    }
    bar?.stop();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    state.epochsDone = epoch;
    const validation =
      settings.validate && ((e + 1) % settings.evalEvery === 0 || e + 1 === settings.epochs)
        ? await settings.validate()
        : undefined;
    const record: EpochRecord = {
      epoch,
      loss: lossSum / seen,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      examplesPerSecond: seen / seconds,
      validation,
    };
    records.push(record);
    if (settings.progress !== 'none') {
      log(
        `two-tower epoch ${epoch}: loss ${record.loss.toFixed(4)}, ${seconds.toFixed(1)} s ` +
          `(${record.cpuSeconds.toFixed(1)} s CPU), ${Math.round(record.examplesPerSecond)} ex/s` +
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
      break;
    }
  }
  if (bestWeights) {
    if (bestEpoch !== state.epochsDone) {
      variables.forEach((v, i) => v.assign(bestWeights![i]));
      if (settings.progress !== 'none') {
        log(
          `two-tower: restored the weights of epoch ${bestEpoch} (validation ${best.toFixed(4)})`,
        );
      }
    }
    bestWeights.forEach((t) => t.dispose());
  }
  return {
    epochs: records,
    bestEpoch,
    bestValidation: Number.isFinite(best) ? best : undefined,
    stoppedEarly,
    seconds: (performance.now() - started) / 1000,
    examplesPerEpoch: examples.targetAt.length,
    sequencesPerEpoch: sequences.offsets.length - 1,
  };
}
