import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import type { ItemStatisticsDocument } from '../../projections/item-statistics.document';
import type { Evidence } from '../candidates/evidence';
import type { ShopperInterest } from '../profile/shopper-interest';
import type { SignalWeights } from '../recommendation-request';

/** An eligible candidate with its item facts and every signal, ready to score. */
export interface FeaturedCandidate {
  readonly itemId: string;
  readonly item: CatalogItemDocument;
  readonly statistics: ItemStatisticsDocument | undefined;
  readonly evidence: readonly Evidence[];
  /** Generators that proposed it, in plan order. */
  readonly sources: readonly string[];
  /** Signal name → 0..1. */
  readonly signals: Readonly<Record<string, number>>;
  readonly facts: SignalFacts;
}

/** The numbers behind the signals, for explanations. */
export interface SignalFacts {
  /** The deepest category of the item the shopper likes (categoryAffinity > 0). */
  readonly affinityCategoryKey?: string;
  /** The item's price band key, e.g. `EUR:50-100`. */
  readonly priceBand: string;
  /** popularityAt / trendingAt the request's now (0 without statistics). */
  readonly popularity: number;
  readonly trending: number;
}

export interface ScoringInput {
  readonly candidates: readonly FeaturedCandidate[];
  readonly weights: SignalWeights;
  readonly now: number;
  readonly interest: ShopperInterest;
}

export interface CandidateScore {
  readonly itemId: string;
  /** Higher is better; >= 0 so diversification can normalise by the best. */
  readonly score: number;
  /** What each signal added to the score (explanations order reasons by it). */
  readonly contributions: Readonly<Record<string, number>>;
}

/**
 * Turns signals into one relevance score per candidate, registered by name.
 * A model-based scorer (models issue) implements the same interface and may
 * be async; it must return one score per candidate, deterministically.
 */
export interface Scorer {
  readonly name: string;
  readonly modelVersion?: string;
  score(input: ScoringInput): Promise<readonly CandidateScore[]> | readonly CandidateScore[];
}
