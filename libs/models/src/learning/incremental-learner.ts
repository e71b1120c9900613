import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { ModelArtifactsData } from '@pulse/ml/runtime/model-artifacts';
import type { ArtifactFiles } from '../registry/model-artifact-store.port';
import { tfjsFiles } from '../serving/model-artifact-codec';
import type { DenseCase } from './holdout-metrics';

/** Weights the learning loop holds: the live `trainable`, or a candidate copy of it. */
export interface TrainableModel {
  dispose(): void;
}

export interface LearnerSettings {
  /** Passes over the cases. */
  readonly epochs: number;
  /** Cases per gradient step; the event loop runs between steps. */
  readonly stepSize: number;
  readonly learningRate: number;
  readonly seed: number;
}

/**
 * What the incremental trainer needs of one kind of model: everything else
 * (cases, holdout scoring, the swap rule, the event, publishing) is the
 * same for every kind. Implementations: sequence.learner.ts (sasrec,
 * gru4rec), two-tower.learner.ts. Methods take the model they work on, so
 * the same learner scores the serving weights and trains the candidate.
 */
export interface IncrementalLearner<M extends TrainableModel = TrainableModel> {
  /** Model kinds (ArtifactMetadata.kind) this learner updates. */
  readonly kinds: readonly string[];
  /** The weights in an artifact's files (model.json + weights.bin), ready to train further. */
  load(files: ArtifactFiles, options?: { readonly learningRate?: number }): Promise<M>;
  /**
   * `settings.epochs` passes over the cases in gradient steps of
   * `settings.stepSize` cases, yielding to the event loop between steps and
   * pushing each step's wall time (ms) to `stepMs`. Returns the mean loss
   * (not finite when training diverged).
   */
  trainSteps(model: M, cases: readonly DenseCase[], settings: LearnerSettings, stepMs: number[]): Promise<number>;
  /** Row b of `out` (numItems wide): scores of every trained item after histories[b] (a BatchScorer). */
  scoreBatch(model: M, histories: readonly Int32Array[], out: Float32Array): void;
  /** model.json + weights.bin of the model (metadata.json is the caller's). */
  save(model: M): Promise<Record<string, Uint8Array>>;
  dispose(model: M): void;
}

/** A TF.js recommender as both learners hold one: it scores in batches, saves its artifacts, frees its tensors. */
interface TfjsRecommender extends TrainableModel {
  scoreBatch(histories: readonly Int32Array[], out: Float32Array): void;
  save(): Promise<ModelArtifactsData>;
}

/** The learner methods that are the same for every TF.js recommender. */
export const tfjsLearnerBasics = {
  scoreBatch(model: TfjsRecommender, histories: readonly Int32Array[], out: Float32Array): void {
    model.scoreBatch(histories, out);
  },
  async save(model: TfjsRecommender): Promise<Record<string, Uint8Array>> {
    return tfjsFiles(await model.save());
  },
  dispose(model: TfjsRecommender): void {
    model.dispose();
  },
};

/**
 * The step loop both learners share: per epoch, the cases in a seeded
 * shuffle, cut into chunks of `stepSize`; `step` trains on one chunk (one
 * synchronous stretch of tfjs work), its wall time goes to `stepMs`, and the
 * event loop runs before the next. Returns the mean of the steps' losses.
 */
export async function stepThrough(
  cases: readonly DenseCase[],
  settings: LearnerSettings,
  stepMs: number[],
  shuffleSeed: number,
  step: (chunk: readonly DenseCase[], index: number) => Promise<number>,
): Promise<number> {
  let lossSum = 0;
  let steps = 0;
  const order = cases.map((_, i) => i);
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    shuffle(order, shuffleSeed + epoch);
    for (let start = 0; start < order.length; start += settings.stepSize) {
      const t = performance.now();
      const chunk = order.slice(start, start + settings.stepSize).map((i) => cases[i]!);
      lossSum += await step(chunk, steps);
      steps++;
      stepMs.push(performance.now() - t);
      await yieldToEventLoop();
    }
  }
  return lossSum / Math.max(1, steps);
}

function shuffle(order: number[], seed: number): void {
  let s = seed >>> 0 || 1;
  for (let i = order.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
}
