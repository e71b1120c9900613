import type { CandidateGenerator } from '@pulse/recommendations/pipeline/candidates/candidate-generator';
import type { PipelineOptions } from '@pulse/recommendations/pipeline/pipeline-options';
import type { ShopperInterest } from '@pulse/recommendations/pipeline/profile/shopper-interest';
import { linearBlendScorer } from '@pulse/recommendations/pipeline/scoring/linear-blend.scorer';
import type { FeaturedCandidate, Scorer } from '@pulse/recommendations/pipeline/scoring/scorer';
import { DEFAULT_STRATEGIES, DEFAULT_WEIGHTS } from '@pulse/recommendations/pipeline/strategy-plans';
import { addCandidateContent, newItemFeed } from './model-content-feed';
import type { ServableModel } from './servable-model';

/** Registered names: request `generators=model&scorer=model_blend` asks for them explicitly. */
export const MODEL_GENERATOR = 'model';
export const MODEL_SCORER = 'model_blend';
export const MODEL_SIGNAL = 'model';

/** The model reads at most this many of the shopper's latest item interactions. */
const MAX_HISTORY = 50;

/**
 * The shopper's item sequence, oldest first, as the training data has it:
 * item interactions from the profile (newest first there), a repeated item
 * in a row collapsed, and the product on screen last.
 */
export function historyOf(interest: ShopperInterest, productId?: string): string[] {
  const items = interest.recentItemInteractions
    .slice(0, MAX_HISTORY)
    .flatMap((i) => (i.itemId ? [i.itemId] : []))
    .reverse();
  if (productId) items.push(productId);
  return items.filter((id, i) => i === 0 || items[i - 1] !== id);
}

/**
 * Retrieval: the model's top items after the shopper's sequence, feeding the
 * `model` signal. A content model first learns the new items of the history
 * and the newest listings from the catalog, so it can retrieve those too.
 */
export function modelCandidateGenerator(model: ServableModel): CandidateGenerator {
  const learnNewItems = newItemFeed(model);
  return {
    name: MODEL_GENERATOR,
    signal: { name: MODEL_SIGNAL, normalization: 'min_max' },
    modelVersion: model.label,
    async generate({ data, interest, context, budget }) {
      const history = historyOf(interest, context.productId);
      await learnNewItems(data, history, context);
      // Leave out what the pipeline filters anyway, so the budget goes to candidates that can be shown.
      const exclude = new Set([...interest.purchased, ...interest.cart, ...context.cartItemIds]);
      return model.recommend(history, budget, exclude).map(({ itemId, score }) => ({
        itemId,
        score,
        evidence: { kind: 'model', model: model.name, modelVersion: model.label, signal: MODEL_SIGNAL },
      }));
    },
  };
}

/**
 * Ranking: the linear blend with the model's score for EVERY candidate (not
 * only those it retrieved), min-max normalised over the request's
 * candidates; items the model doesn't know get 0. A content model knows
 * every candidate: those it was not trained on are scored from their
 * catalog document's content.
 */
export function modelBlendScorer(model: ServableModel): Scorer {
  return {
    name: MODEL_SCORER,
    modelVersion: model.label,
    score(input) {
      const history = historyOf(input.interest);
      addCandidateContent(model, input.candidates);
      const raw = model.scoreItems(history, input.candidates.map((c) => c.itemId));
      const known = raw.filter((v): v is number => v !== undefined);
      const min = Math.min(...known);
      const max = Math.max(...known);
      const candidates: FeaturedCandidate[] = input.candidates.map((candidate, i) => {
        const value = raw[i];
        const normalised = value === undefined ? 0 : max > min ? (value - min) / (max - min) : 1;
        return { ...candidate, signals: { ...candidate.signals, [MODEL_SIGNAL]: normalised } };
      });
      return linearBlendScorer.score({ ...input, candidates });
    },
  };
}

/**
 * Pipeline options that make the personalised strategy use the model: its
 * generator besides the built-in ones, and the model blend with `weight` on
 * the model signal (the other weights as they are). Also the `model`
 * strategy: the model's candidates in the model's order, nothing blended,
 * diversified or explored, so a request can judge the model alone.
 */
export function modelPipelineOptions(model: ServableModel, weight: number): PipelineOptions {
  const personalized = DEFAULT_STRATEGIES.personalized;
  return {
    generators: [modelCandidateGenerator(model)],
    scorers: [modelBlendScorer(model)],
    strategies: {
      personalized: {
        generators: [...personalized.generators, MODEL_GENERATOR],
        scorer: MODEL_SCORER,
        weights: { ...DEFAULT_WEIGHTS, [MODEL_SIGNAL]: weight },
      },
      model: {
        generators: [MODEL_GENERATOR],
        scorer: MODEL_SCORER,
        weights: { [MODEL_SIGNAL]: 1 },
        diversify: false,
        explore: false,
      },
    },
  };
}
