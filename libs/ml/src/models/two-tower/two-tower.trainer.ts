import * as tf from '@tensorflow/tfjs';
import type { Sequences } from '../../datasets/sequence-dataset';
import {
  EpochLoopSettings,
  runEpochs,
  TrainerState,
  TrainingReport,
} from '../../training/epoch-loop';
import type { EpochProgressMode } from '../../training/epoch-progress';
import { CandidateSampler, scoredSoftmaxCrossEntropy } from '../../training/softmax-loss';
import { targetCounts } from '../../training/target-counts';
import { deriveSeed, SeededRandom } from '../../util/random';
import {
  buildExamples,
  EncodedHistories,
  HistoryEncoder,
  makeExampleBatches,
} from './two-tower.batches';
import type { TwoTowerNetwork } from './two-tower.model';

export interface TwoTowerTrainingSettings extends EpochLoopSettings {
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
  /** Required, and used as given (the sequence trainer defaults it and raises it to at least 1). */
  readonly evalEvery: number;
  readonly seed: number;
  readonly progress: EpochProgressMode;
}

/** The optimizer (Adam, kept between calls) and the epoch count, as for the sequence trainer. */
export type TwoTowerTrainerState = TrainerState;

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
  const numItems = net.config.numItems;
  const examples = buildExamples(sequences);
  if (examples.targetAt.length === 0) throw new Error('two-tower: no sequence has two items');
  const rng = new SeededRandom(deriveSeed(settings.seed, `two-tower/train/${state.epochsDone}`));
  const ctx = stepContext(net, settings, targetCounts(sequences, numItems), state, rng);
  const window = Math.max(settings.interestWindow, encoder.maxLen);
  const { items } = sequences;

  /** Each example's history (up to `window` items before its target) and target. */
  function pairs(batch: Int32Array): { histories: Int32Array[]; targets: Int32Array } {
    const histories: Int32Array[] = [];
    const targets = new Int32Array(batch.length);
    for (let r = 0; r < batch.length; r++) {
      const t = examples.targetAt[batch[r]];
      histories.push(items.subarray(Math.max(examples.sequenceStart[batch[r]], t - window), t));
      targets[r] = items[t];
    }
    return { histories, targets };
  }

  return runEpochs({
    settings,
    text: {
      label: 'two-tower',
      barFormat: (epoch) =>
        `two-tower epoch ${epoch} [{bar}] {value}/{total} | loss {loss} | {duration_formatted} | ETA {eta_formatted}`,
      progressMessage: (epoch, loss) => `epoch ${epoch} loss ${loss}`,
      logStopRequest: false,
    },
    state,
    variables: net.trainable,
    epochBatches: () => {
      const batches = makeExampleBatches(examples, settings.batchSize, encoder.maxLen, rng);
      return {
        count: batches.length,
        step: async (b) => {
          const { histories, targets } = pairs(batches[b]);
          const loss = await twoTowerStep(net, encoder, itemSlots, histories, targets, ctx);
          return { loss, examples: batches[b].length };
        },
      };
    },
    examplesPerEpoch: examples.targetAt.length,
    sequencesPerEpoch: sequences.offsets.length - 1,
  });
}
