import { existsSync } from 'node:fs';
import { scoreSplit } from '../evaluation/harness';
import type { FitOptions, Recommender } from '../evaluation/recommender';
import type { Holdout } from './validation-holdout';

/**
 * What every TF.js recommender's `fit` does the same way around its own
 * training loop: progress mode, stop file, progress callback, holdout
 * validation, and the report notes about epochs and the softmax.
 */

/** `auto`: nothing when the caller takes progress itself, a bar on a terminal, else a line per epoch. */
export function resolveProgress(mode: string, options: FitOptions): 'bar' | 'log' | 'none' {
  if (mode === 'bar' || mode === 'log' || mode === 'none') return mode;
  if (options.onProgress) return 'none';
  return process.stderr.isTTY ? 'bar' : 'log';
}

/** `shouldStop` (a stop file: `touch` it to end training after this epoch) and the progress callback. */
export function fitCallbacks(stopFile: string, options: FitOptions) {
  return {
    shouldStop: stopFile ? () => existsSync(stopFile) : undefined,
    onProgress: options.onProgress
      ? (fraction: number, message?: string) => options.onProgress!({ fraction, message })
      : undefined,
  };
}

/**
 * Early stopping's metric on the holdout carved from the training data:
 * MRR@10 for sessions, NDCG@10 for users. `resetScoring` drops the model's
 * cached scoring table before and after, since the weights change between calls.
 */
export function holdoutValidator(
  model: Recommender,
  holdout: Holdout | undefined,
  seed: number,
  resetScoring: () => void,
): (() => number) | undefined {
  if (!holdout) return undefined;
  return () => {
    resetScoring();
    const scored = scoreSplit(model, holdout.split, { ks: [10], seed });
    resetScoring();
    return holdout.split.protocol === 'session-prefix'
      ? scored.metrics.mrr[10]!
      : scored.metrics.ndcg[10]!;
  };
}

/** Mean wall and CPU seconds per epoch. */
export function epochAverages(epochs: readonly { seconds: number; cpuSeconds: number }[]) {
  const n = Math.max(1, epochs.length);
  return {
    seconds: epochs.reduce((s, e) => s + e.seconds, 0) / n,
    cpuSeconds: epochs.reduce((s, e) => s + e.cpuSeconds, 0) / n,
  };
}

/** ` (holdout NDCG@10 0.0595 on 3000 cases)`, or '' without a holdout result. */
export function holdoutNote(
  bestValidation: number | undefined,
  holdout: Holdout | undefined,
): string {
  if (bestValidation === undefined || !holdout) return '';
  const metric = holdout.split.protocol === 'session-prefix' ? 'MRR' : 'NDCG';
  return ` (holdout ${metric}@10 ${bestValidation.toFixed(4)} on ${holdout.split.cases.targets.length} cases)`;
}

export function softmaxNote(negatives: number, numItems: number, logQ: boolean): string {
  return negatives > 0 && negatives < numItems
    ? `sampled softmax: ${negatives} negatives + in-batch targets${logQ ? ', logQ-corrected' : ''}`
    : 'full softmax over all items';
}
