import type { CandidateScore, Scorer, ScoringInput } from './scorer';

/**
 * score = Σ weight·signal / Σ weight, over the weighted signals: a weighted
 * mean of 0..1 signals, so it is 0..1 whatever scale the weights are given
 * in, and each term is that signal's contribution. Signals a candidate lacks
 * count 0.
 */
export const linearBlendScorer: Scorer = {
  name: 'linear_blend',
  score({ candidates, weights }: ScoringInput): CandidateScore[] {
    const entries = Object.entries(weights).filter(([, weight]) => weight > 0);
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    return candidates.map((candidate) => {
      const contributions: Record<string, number> = {};
      let score = 0;
      for (const [signal, weight] of entries) {
        const contribution = total > 0 ? (weight * (candidate.signals[signal] ?? 0)) / total : 0;
        contributions[signal] = contribution;
        score += contribution;
      }
      return { itemId: candidate.itemId, score, contributions };
    });
  },
};

/** The A/B baseline: popularity alone, whatever the weights say. */
export const popularityScorer: Scorer = {
  name: 'popularity',
  score({ candidates }: ScoringInput): CandidateScore[] {
    return candidates.map((candidate) => {
      const popularity = candidate.signals.popularity ?? 0;
      return { itemId: candidate.itemId, score: popularity, contributions: { popularity } };
    });
  },
};
