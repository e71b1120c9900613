import { hasCriterion } from './promotions/promotion-filter';
import type {
  RecommendationContext,
  RecommendationRules,
  RecommendationRequest,
  SignalWeights,
  SimilarItemsRequest,
} from './recommendation-request';

/** A request the pipeline refuses; `field` names the offending part (for a 400 response). */
export class InvalidRecommendationRequestError extends RangeError {
  constructor(
    readonly field: string,
    expected: string,
    value: unknown,
  ) {
    super(`recommendation request ${field} must be ${expected}, got ${describe(value)}`);
    this.name = 'InvalidRecommendationRequestError';
  }
}

export interface ValidationLimits {
  readonly maxLimit: number;
  /** Signal names weights may mention. */
  readonly signals: ReadonlySet<string>;
  /** Registered generator / scorer names. */
  readonly generators: ReadonlySet<string>;
  readonly scorers: ReadonlySet<string>;
}

/**
 * The pipeline checks its input itself (the HTTP layer validates too, but
 * the pipeline is also called from the CLI and from sagas): a bad value
 * fails with the field's name instead of quietly giving odd results.
 */
export function validateRecommendationRequest(
  request: RecommendationRequest,
  limits: ValidationLimits,
): void {
  validateCommon(request, limits);
  validateContext(request.context);
  if (request.explorationShare !== undefined) share('explorationShare', request.explorationShare);
  if (request.strategy !== undefined && !['auto', 'popular', 'model'].includes(request.strategy)) {
    fail('strategy', "'auto', 'popular' or 'model'", request.strategy);
  }
  if (request.promotion !== undefined) {
    const { share: promotionShare, filter } = request.promotion;
    share('promotion.share', promotionShare);
    if (!filter || !hasCriterion(filter)) {
      fail('promotion.filter', 'at least one criterion', JSON.stringify(filter));
    }
    if (filter.newerThanDays !== undefined && !(filter.newerThanDays > 0)) {
      fail('promotion.filter.newerThanDays', 'a positive number', filter.newerThanDays);
    }
  }
  if (request.scorer !== undefined && !limits.scorers.has(request.scorer)) {
    fail('scorer', `one of ${[...limits.scorers].join(', ')}`, request.scorer);
  }
  if (request.generators !== undefined) {
    if (request.generators.length === 0) fail('generators', 'non-empty when given', '[]');
    for (const name of request.generators) {
      if (!limits.generators.has(name)) {
        fail('generators', `registered names (${[...limits.generators].join(', ')})`, name);
      }
    }
  }
}

export function validateSimilarItemsRequest(
  request: SimilarItemsRequest,
  limits: ValidationLimits,
): void {
  validateCommon(request, limits);
  if (!(typeof request.itemId === 'string' && request.itemId !== '')) {
    fail('itemId', 'a non-empty string', request.itemId);
  }
}

function validateCommon(
  request: {
    limit: number;
    now: number;
    diversity?: number;
    rules?: RecommendationRules;
    weights?: SignalWeights;
  },
  limits: ValidationLimits,
): void {
  if (!Number.isFinite(request.now)) fail('now', 'epoch milliseconds', request.now);
  if (!(
    Number.isSafeInteger(request.limit) &&
    request.limit >= 1 &&
    request.limit <= limits.maxLimit
  )) {
    fail('limit', `an integer between 1 and ${limits.maxLimit}`, request.limit);
  }
  if (request.diversity !== undefined) share('diversity', request.diversity);
  validateRules(request.rules ?? {});
  for (const [signal, weight] of Object.entries(request.weights ?? {})) {
    if (!limits.signals.has(signal)) {
      fail(`weights.${signal}`, `a known signal (${[...limits.signals].join(', ')})`, signal);
    }
    if (!(Number.isFinite(weight) && weight >= 0))
      fail(`weights.${signal}`, 'a number >= 0', weight);
  }
}

function validateContext(context: RecommendationContext | undefined): void {
  switch (context?.kind) {
    case 'home':
      return;
    case 'product':
      if (!(typeof context.itemId === 'string' && context.itemId !== '')) {
        fail('context.itemId', 'a non-empty string', context.itemId);
      }
      return;
    case 'cart':
      if (
        context.itemIds !== undefined &&
        !context.itemIds.every((id) => typeof id === 'string' && id !== '')
      ) {
        fail('context.itemIds', 'non-empty strings', JSON.stringify(context.itemIds));
      }
      return;
    default:
      fail(
        'context.kind',
        "'home', 'product' or 'cart'",
        (context as { kind?: unknown } | undefined)?.kind,
      );
  }
}

function validateRules(rules: RecommendationRules): void {
  const { minPrice, maxPrice } = rules;
  if (minPrice !== undefined && !(Number.isFinite(minPrice) && minPrice >= 0)) {
    fail('rules.minPrice', 'a number >= 0', minPrice);
  }
  if (maxPrice !== undefined && !(Number.isFinite(maxPrice) && maxPrice >= 0)) {
    fail('rules.maxPrice', 'a number >= 0', maxPrice);
  }
  if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice) {
    fail('rules.maxPrice', `at least minPrice (${minPrice})`, maxPrice);
  }
}

function share(field: string, value: number): void {
  if (!(value >= 0 && value <= 1)) fail(field, 'between 0 and 1', value);
}

function fail(field: string, expected: string, value: unknown): never {
  throw new InvalidRecommendationRequestError(field, expected, value);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}
