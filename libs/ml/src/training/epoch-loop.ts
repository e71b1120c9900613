import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { EarlyStopping, isValidationEpoch } from './early-stopping';
import { EpochClock, epochBar, formatTiming, formatValidation } from './epoch-progress';
import type { EpochProgressMode, EpochTiming } from './epoch-progress';

/**
 * The epoch loop of the TF.js trainers that minimise a mean loss per example
 * over tf.Variables (the sequence trainer and the two-tower trainer): progress
 * bar and lines, per-epoch records, validation and early stopping, the best
 * weights restored, the report. The trainer brings what is its own: how an
 * epoch's batches are drawn and what one gradient step does.
 */

/** Settings every epoch loop takes (Mult-VAE's synchronous loop too). */
export interface EpochLoopSettings {
  /** Epochs to run in this call (a loaded model continues from where it was). */
  readonly epochs: number;
  /** Evaluations without improvement before stopping; 0 = never stop early. */
  readonly patience: number;
  /** Validate every n epochs (and after the last). */
  readonly evalEvery?: number;
  /** 'bar': a cli-progress bar per epoch on stderr; 'log': one line per epoch; 'none'. */
  readonly progress?: EpochProgressMode;
  readonly log?: (line: string) => void;
  readonly onProgress?: (fraction: number, message: string) => void;
  /** Checked after every epoch: true stops training as early stopping would (best weights restored). */
  readonly shouldStop?: () => boolean;
  /** Early-stopping metric (higher is better), e.g. holdout NDCG@10 through the harness. */
  readonly validate?: () => number | Promise<number>;
}

export interface EpochRecord extends EpochTiming {
  readonly epoch: number;
  readonly loss: number;
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

/** One epoch's batches, their order already drawn. */
export interface EpochBatches {
  readonly count: number;
  /** One gradient step on batch `b`: its mean loss per example and how many examples it had. */
  step(b: number): Promise<{ readonly loss: number; readonly examples: number }>;
}

/** The words of one trainer's progress bar, progress messages and log lines. */
export interface EpochLoopText {
  /** Names the model at the start of log lines and errors ('two-tower'); none for the shared trainer. */
  readonly label?: string;
  /** The bar's cli-progress format; it may show {loss} and {speed} (examples per second). */
  barFormat(epoch: number): string;
  /** The onProgress message after a batch (`loss`: the epoch's mean so far, formatted). */
  progressMessage(epoch: number, loss: string, speed: number): string;
  /** Whether a stop request gets a log line (the two-tower trainer has never written one). */
  readonly logStopRequest: boolean;
}

export interface EpochLoop {
  /** Settings as the trainer resolved them: `evalEvery` is used as given (no default here). */
  readonly settings: EpochLoopSettings & {
    readonly evalEvery: number;
    readonly progress: EpochProgressMode;
  };
  readonly text: EpochLoopText;
  /** `epochsDone` counts on from here and is updated after every epoch. */
  readonly state: { epochsDone: number };
  /** What early stopping copies and restores. */
  readonly variables: readonly tf.Variable[];
  /** Draws the batches of epoch `epoch` (1-based over the model's life); called before its clock starts. */
  epochBatches(epoch: number): EpochBatches;
  /** The report's size fields. */
  readonly examplesPerEpoch: number;
  readonly sequencesPerEpoch: number;
}

/** Runs the epochs and returns the report; the best validation epoch's weights are restored at the end. */
export async function runEpochs(loop: EpochLoop): Promise<TrainingReport> {
  const { settings, text, state, variables } = loop;
  const log = settings.log ?? ((line: string) => console.error(line));
  const mode = settings.progress;
  const head = text.label ? `${text.label} ` : '';
  const stopping = new EarlyStopping(state.epochsDone, settings.patience, {
    copy: () => variables.map((v) => tf.clone(v)),
    restore: (copy) => variables.forEach((v, i) => v.assign(copy[i])),
    release: (copy) => copy.forEach((t) => t.dispose()),
  });
  const records: EpochRecord[] = [];
  const started = performance.now();

  for (let e = 0; e < settings.epochs; e++) {
    const epoch = state.epochsDone + 1;
    const batches = loop.epochBatches(epoch);
    const clock = new EpochClock();
    let lossSum = 0;
    let seen = 0;
    const bar = epochBar(mode, text.barFormat(epoch));
    bar?.start(batches.count, 0, { loss: '-', speed: '-' });
    for (let b = 0; b < batches.count; b++) {
      const { loss, examples } = await batches.step(b);
      if (!Number.isFinite(loss)) {
        throw new Error(`${head}training diverged: loss ${loss} at epoch ${epoch} batch ${b}`);
      }
      lossSum += loss * examples;
      seen += examples;
      const meanLoss = (lossSum / seen).toFixed(4);
      const speed = clock.rate(seen);
      bar?.update(b + 1, { loss: meanLoss, speed: speed.toString() });
      settings.onProgress?.(
        (e + (b + 1) / batches.count) / settings.epochs,
        text.progressMessage(epoch, meanLoss, speed),
      );
    }
    bar?.stop();
    const timing = clock.stop();
    state.epochsDone = epoch;
    const validation =
      settings.validate && isValidationEpoch(e, settings.epochs, settings.evalEvery)
        ? await settings.validate()
        : undefined;
    const record: EpochRecord = {
      epoch,
      loss: lossSum / Math.max(1, seen),
      seconds: timing.seconds,
      cpuSeconds: timing.cpuSeconds,
      examplesPerSecond: seen / timing.seconds,
      validation,
    };
    records.push(record);
    if (mode !== 'none') {
      log(
        `${head}epoch ${epoch}: loss ${record.loss.toFixed(4)}, ${formatTiming(record)}, ` +
          `${Math.round(record.examplesPerSecond)} ex/s${formatValidation(validation)}`,
      );
    }
    const stop = stopping.afterEpoch(epoch, validation, settings.shouldStop);
    if (stop === 'requested' && text.logStopRequest && mode !== 'none') {
      log(`stop requested after epoch ${epoch}`);
    }
    if (stop) break;
  }
  if (stopping.restoreBest(state.epochsDone) && mode !== 'none') {
    const where = text.label ? `${text.label}: ` : '';
    log(
      `${where}restored the weights of epoch ${stopping.bestEpoch} (validation ${stopping.best.toFixed(4)})`,
    );
  }
  return {
    epochs: records,
    bestEpoch: stopping.bestEpoch,
    bestValidation: stopping.bestValidation,
    stoppedEarly: stopping.stoppedEarly,
    seconds: (performance.now() - started) / 1000,
    examplesPerEpoch: loop.examplesPerEpoch,
    sequencesPerEpoch: loop.sequencesPerEpoch,
  };
}
