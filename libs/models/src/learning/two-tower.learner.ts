import type { TwoTowerTrainerState } from '@pulse/ml/models/two-tower/two-tower.trainer';
import { TwoTowerRecommender } from '@pulse/ml/models/two-tower/two-tower.recommender';
import { tfjsArtifacts } from '../serving/model-artifact-codec';
import { type IncrementalLearner, stepThrough, tfjsLearnerBasics } from './incremental-learner';

/**
 * Two-tower: each step is one gradient step of the model's own loss
 * (TwoTowerRecommender.trainPairs: softmax over the catalogue or sampled with
 * logQ, id and history dropout for content models) on the chunk's (history,
 * next item) pairs, with one Adam state across the update's steps. The
 * sampled softmax (when the params ask for negatives) draws from the target
 * frequencies of the whole update, not of one chunk.
 *
 * The content vocabulary and the trained items' content rows are loaded and
 * saved with the weights, so the saved copy embeds new items by content as
 * the champion did. Items listed after training have no id embedding: cases
 * naming them are left out before they get here (the trainer's dense ids),
 * and they are scored by content until the next full retrain gives them one.
 */
export const twoTowerLearner: IncrementalLearner<TwoTowerRecommender> = {
  kinds: ['two-tower'],

  load(files) {
    // The update's learning rate goes to trainPairs: the saved copy keeps the champion's params.
    return TwoTowerRecommender.load(tfjsArtifacts(files));
  },

  async trainSteps(model, cases, settings, stepMs) {
    if (cases.length === 0) return 0;
    const targetCounts = new Float64Array(model.numItems);
    for (const c of cases) targetCounts[c.target]++;
    const state: TwoTowerTrainerState = { epochsDone: 0 };
    try {
      return await stepThrough(cases, settings, stepMs, settings.seed + model.epochsTrained, (chunk, step) =>
        model.trainPairs(
          chunk.map((c) => c.history),
          Int32Array.from(chunk, (c) => c.target),
          { seed: settings.seed + step, learningRate: settings.learningRate, batchSize: chunk.length, targetCounts },
          state,
        ),
      );
    } finally {
      state.optimizer?.dispose();
    }
  },


  ...tfjsLearnerBasics,
};
