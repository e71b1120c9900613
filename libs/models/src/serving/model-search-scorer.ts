import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import type { ShopperInterest } from '@pulse/recommendations/pipeline/profile/shopper-interest';
import type { SearchModelScorer, SearchModelScores } from '@pulse/recommendations/search/search-model.port';
import { addCandidateContent } from './model-content-feed';
import { type DefaultModelChoice, leaseDefaultModel } from './model-pipelines';
import { historyOf } from './model-recommendations';
import type { ServingModels } from './serving-models';

/**
 * The search re-rank's model scores: the model that serves recommendations
 * scores the search matches after the shopper's history (a content model
 * also scores matches it was not trained on, from their catalog documents),
 * leased for the call so a swap cannot dispose it underneath.
 */
export class ModelSearchScorer implements SearchModelScorer {
  constructor(
    private readonly serving: ServingModels,
    private readonly choice: DefaultModelChoice,
  ) {}

  score(interest: ShopperInterest, items: readonly CatalogItemDocument[]): SearchModelScores | undefined {
    const lease = leaseDefaultModel(this.serving, this.choice);
    if (!lease) return undefined;
    try {
      const model = lease.model;
      addCandidateContent(model, items.map((item) => ({ itemId: item.itemId, item })));
      const raw = model.scoreItems(historyOf(interest), items.map((item) => item.itemId));
      const scores = new Map<string, number>();
      raw.forEach((score, i) => {
        if (score !== undefined && Number.isFinite(score)) scores.set(items[i]!.itemId, score);
      });
      return scores.size > 0 ? { modelVersion: model.label, scores } : undefined;
    } finally {
      lease.release();
    }
  }
}
