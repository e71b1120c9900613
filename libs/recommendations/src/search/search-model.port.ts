import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import type { ShopperInterest } from '../pipeline/profile/shopper-interest';

/** A serving model's view of some search matches for one shopper. */
export interface SearchModelScores {
  /** As responses report it, e.g. `two-tower@3` or `sasrec@2+14`. */
  readonly modelVersion: string;
  /** Raw model scores by item id; items the model cannot score are absent. */
  readonly scores: ReadonlyMap<string, number>;
}

/**
 * Lets the search re-rank ask the serving model (the models library binds
 * it; without it search re-ranks by interest state alone). Undefined when
 * no model serves or the model knows nothing of the shopper's history.
 */
export interface SearchModelScorer {
  score(interest: ShopperInterest, items: readonly CatalogItemDocument[]): SearchModelScores | undefined;
}

export const SEARCH_MODEL_SCORER = Symbol('SEARCH_MODEL_SCORER');
