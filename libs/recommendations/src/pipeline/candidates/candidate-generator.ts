import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import type { ShopperInterest } from '../profile/shopper-interest';
import type { RecommendationData } from '../recommendation-data.port';
import type { GeneratorSettings } from '../pipeline-options';
import type { Evidence } from './evidence';

/** One proposal: an item, a raw score on the generator's own scale, and why. */
export interface GeneratedCandidate {
  readonly itemId: string;
  /**
   * Raw retrieval score (>= 0), comparable only within the generator. When
   * the generator feeds a signal, the item's scores from it are summed into
   * that signal (several sources reinforce each other) before normalising.
   */
  readonly score: number;
  readonly evidence: Evidence;
}

/** A signal a generator produces that the scorer cannot compute from item facts. */
export interface SignalSpec {
  /** e.g. 'coOccurrence', or 'model' for a model-based generator. */
  readonly name: string;
  /**
   * How summed raw scores become 0..1 across the request's eligible candidates:
   * 'max' divides by the largest (scores >= 0); 'min_max' maps min..max to
   * 0..1 (logits); 'identity' takes them as they are (already probabilities).
   */
  readonly normalization: 'max' | 'min_max' | 'identity';
}

/**
 * A candidate source, registered by name. Pure apart from reading `data`;
 * it must be deterministic (ties broken by item id) so a request gives the
 * same answer twice.
 */
export interface CandidateGenerator {
  readonly name: string;
  readonly signal?: SignalSpec;
  /** Set by model-based generators; reported in the result. */
  readonly modelVersion?: string;
  generate(input: GeneratorInput): Promise<readonly GeneratedCandidate[]>;
}

export interface GeneratorInput {
  readonly data: RecommendationData;
  readonly now: number;
  readonly context: ResolvedContext;
  /** What to personalise on; EMPTY for cold start and similar items. */
  readonly interest: ShopperInterest;
  /** Roughly how many candidates the generator should return at most. */
  readonly budget: number;
  readonly settings: GeneratorSettings;
}

/** The request context with its items loaded once for every generator. */
export interface ResolvedContext {
  readonly kind: 'home' | 'product' | 'cart';
  /** The product of a product context (also for similar items), when the catalog knows it. */
  readonly productId?: string;
  readonly product: CatalogItemDocument | null;
  /** Cart lines: the profile's and the context's, in that order, distinct. */
  readonly cartItemIds: readonly string[];
  /** Catalog documents of the cart lines the catalog knows. */
  readonly cartItems: readonly CatalogItemDocument[];
}
