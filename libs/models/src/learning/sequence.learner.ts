import type { Sequences } from '@pulse/ml/datasets/sequence-dataset';
import { Gru4recEncoder } from '@pulse/ml/models/gru4rec.model';
import { SasrecEncoder } from '@pulse/ml/models/sasrec.model';
import type { SequenceEncoder } from '@pulse/ml/models/sequence-encoder';
import { SequenceRecommender } from '@pulse/ml/models/sequence.recommender';
import { trainSequenceModel, type TrainerState } from '@pulse/ml/training/sequence-trainer';
import { tfjsArtifacts } from '../serving/model-artifact-codec';
import type { DenseCase } from './holdout-metrics';
import { type IncrementalLearner, stepThrough, tfjsLearnerBasics } from './incremental-learner';

/**
 * SASRec and GRU4Rec: each step is one epoch of the shared sequence trainer
 * on the chunk (each case one sequence, history then target, trained on its
 * last window), with one Adam state across the update's steps.
 */
export const sequenceLearner: IncrementalLearner<SequenceRecommender> = {
  kinds: ['sasrec', 'gru4rec'],

  load(files, options = {}) {
    const overrides = options.learningRate === undefined ? {} : { learningRate: options.learningRate, progress: 'none' as const };
    return SequenceRecommender.load(tfjsArtifacts(files), overrides);
  },

  async trainSteps(model, cases, settings, stepMs) {
    if (cases.length === 0) return 0;
    const encoder = encoderOf(model);
    const state: TrainerState = { epochsDone: 0 };
    const p = model.params;
    try {
      return await stepThrough(cases, settings, stepMs, settings.seed + model.epochsTrained, async (chunk, step) => {
        const report = await trainSequenceModel(
          encoder,
          toSequences(chunk, p.maxLen),
          {
            epochs: 1,
            batchSize: settings.stepSize,
            learningRate: settings.learningRate,
            negatives: p.negatives,
            negativeAlpha: p.negativeAlpha,
            logQ: p.logQ,
            windows: 'last',
            patience: 0,
            seed: settings.seed + step,
            progress: 'none',
          },
          state,
        );
        return report.epochs[0]?.loss ?? 0;
      });
    } finally {
      state.optimizer?.dispose();
    }
  },


  ...tfjsLearnerBasics,
};

/** Each case as one sequence (history then target), cut to the model's window. */
function toSequences(cases: readonly DenseCase[], maxLen: number): Sequences {
  const offsets = new Int32Array(cases.length + 1);
  const items: number[] = [];
  cases.forEach((c, i) => {
    const history = c.history.length >= maxLen ? c.history.subarray(c.history.length - maxLen) : c.history;
    items.push(...history, c.target);
    offsets[i + 1] = items.length;
  });
  return { offsets, items: Int32Array.from(items) };
}

function encoderOf(recommender: SequenceRecommender): SequenceEncoder {
  const encoder = recommender.model?.layers.find((l) => l instanceof SasrecEncoder || l instanceof Gru4recEncoder);
  if (!encoder) throw new Error(`${recommender.kind}: loaded model has no sequence encoder layer`);
  return encoder as unknown as SequenceEncoder;
}
