import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import type { CandidateGenerator } from './candidates/candidate-generator';
import type { SourceInteraction } from './candidates/evidence';
import type { SignalWeights } from './recommendation-request';
import type { BuiltInStrategyName } from './recommendation-result';
import type { Scorer } from './scoring/scorer';
import { DEFAULT_STRATEGIES, type StrategyPlan } from './strategy-plans';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Knobs of the built-in generators. */
export interface GeneratorSettings {
  /** Recent / session items whose neighbours are looked up. Default 5. */
  readonly maxSourceItems: number;
  /** Half-life of a source interaction's weight: a view 2 h ago counts half of one now. Default 2 h. */
  readonly sourceHalfLifeMs: number;
  /** Weight of a source by how the shopper relates to it. */
  readonly sourceWeights: Readonly<Record<SourceInteraction, number>>;
  /** Weight of each neighbour list (outside the cart page). Default alsoViewed 0.6, alsoBought 1. */
  readonly relationWeights: RelationWeights;
  /** On the cart page complements matter, substitutes less. Default alsoViewed 0.3, alsoBought 1. */
  readonly cartRelationWeights: RelationWeights;
  /**
   * Shrinks neighbour strength for lists built on few co-occurrences:
   * strength = score / (strongest score + prior). Default 1.
   */
  readonly neighbourPrior: number;
  /** Categories / brands of the profile that popular items are fetched for. Default 3 / 2. */
  readonly topCategories: number;
  readonly topBrands: number;
  /** Items listed within this are new arrivals (exploration, reasons, promotion age). Default 30 days. */
  readonly newArrivalMaxAgeMs: number;
}

export interface RelationWeights {
  readonly alsoViewed: number;
  readonly alsoBought: number;
}

export interface PipelineOptions {
  /** Generators to register besides (or, with the same name, instead of) the built-in ones. */
  readonly generators?: readonly CandidateGenerator[];
  /** Scorers to register besides (or instead of) 'linear_blend' and 'popularity'. */
  readonly scorers?: readonly Scorer[];
  /**
   * Overrides of the built-in strategy plans, and the plan of `strategy:
   * 'model'` (the serving model alone), which only a model library can give.
   */
  readonly strategies?: { readonly [K in BuiltInStrategyName]?: Partial<StrategyPlan> } & {
    readonly model?: StrategyPlan;
  };
  /** Request defaults. diversity 0.3, explorationShare 0.1. */
  readonly defaults?: { readonly diversity?: number; readonly explorationShare?: number };
  /** Largest `limit` accepted. Default 100. */
  readonly maxLimit?: number;
  /** Each generator is asked for max(limit·candidatesPerSlot, minCandidates). Default 5 and 50. */
  readonly candidatesPerSlot?: number;
  readonly minCandidates?: number;
  /** Category keys (any level) whose purchases may be recommended again. Default none. */
  readonly repeatPurchaseCategories?: readonly string[];
  /** Leave out items of the shopper's current session (they were just seen). Default true. */
  readonly excludeSessionItems?: boolean;
  /** Whether an item is on sale, for promotion filters. Default: see `defaultIsOnSale`. */
  readonly isOnSale?: (item: CatalogItemDocument) => boolean;
  /** Half-life of the freshness signal, from listedAt. Default 7 days. */
  readonly freshnessHalfLifeMs?: number;
  /** Reasons per item, besides the slot's own (promoted / new arrival). Default 3. */
  readonly maxReasons?: number;
  readonly generatorSettings?: Partial<GeneratorSettings>;
}

export const DEFAULT_GENERATOR_SETTINGS: GeneratorSettings = {
  maxSourceItems: 5,
  sourceHalfLifeMs: 2 * HOUR,
  sourceWeights: { viewed: 1, added_to_cart: 1, bought: 1, current_product: 1, in_cart: 1 },
  relationWeights: { alsoViewed: 0.6, alsoBought: 1 },
  cartRelationWeights: { alsoViewed: 0.3, alsoBought: 1 },
  neighbourPrior: 1,
  topCategories: 3,
  topBrands: 2,
  newArrivalMaxAgeMs: 30 * DAY,
};

/**
 * Catalog items have no sale field yet; the usual feed attributes say it:
 * a boolean `onSale`/`sale`, or a reference price above the price.
 */
export function defaultIsOnSale(item: CatalogItemDocument): boolean {
  const attributes = item.attributes;
  if (attributes.onSale === true || attributes.sale === true) return true;
  return ['compareAtPrice', 'originalPrice', 'listPrice', 'regularPrice'].some((name) => {
    const reference = attributes[name];
    return typeof reference === 'number' && reference > item.price;
  });
}

export type ResolvedPipelineOptions = {
  readonly strategies: Readonly<Record<BuiltInStrategyName, StrategyPlan>> & { readonly model?: StrategyPlan };
  readonly defaults: { readonly diversity: number; readonly explorationShare: number };
  readonly maxLimit: number;
  readonly candidatesPerSlot: number;
  readonly minCandidates: number;
  readonly repeatPurchaseCategories: readonly string[];
  readonly excludeSessionItems: boolean;
  readonly isOnSale: (item: CatalogItemDocument) => boolean;
  readonly freshnessHalfLifeMs: number;
  readonly maxReasons: number;
  readonly generatorSettings: GeneratorSettings;
};

/** Fills defaults and refuses bad values, naming the option. */
export function resolvePipelineOptions(options: PipelineOptions = {}): ResolvedPipelineOptions {
  const strategies = Object.fromEntries(
    (Object.keys(DEFAULT_STRATEGIES) as BuiltInStrategyName[]).map((name) => [
      name,
      { ...DEFAULT_STRATEGIES[name], ...options.strategies?.[name] },
    ]),
  ) as Record<BuiltInStrategyName, StrategyPlan> & { model?: StrategyPlan };
  if (options.strategies?.model) strategies.model = options.strategies.model;
  const resolved: ResolvedPipelineOptions = {
    strategies,
    defaults: {
      diversity: options.defaults?.diversity ?? 0.3,
      explorationShare: options.defaults?.explorationShare ?? 0.1,
    },
    maxLimit: options.maxLimit ?? 100,
    candidatesPerSlot: options.candidatesPerSlot ?? 5,
    minCandidates: options.minCandidates ?? 50,
    repeatPurchaseCategories: options.repeatPurchaseCategories ?? [],
    excludeSessionItems: options.excludeSessionItems ?? true,
    isOnSale: options.isOnSale ?? defaultIsOnSale,
    freshnessHalfLifeMs: options.freshnessHalfLifeMs ?? 7 * DAY,
    maxReasons: options.maxReasons ?? 3,
    generatorSettings: { ...DEFAULT_GENERATOR_SETTINGS, ...options.generatorSettings },
  };
  const share = (name: string, value: number) => {
    if (!(value >= 0 && value <= 1)) fail(name, 'between 0 and 1', value);
  };
  const positive = (name: string, value: number) => {
    if (!(Number.isFinite(value) && value > 0)) fail(name, 'a positive number', value);
  };
  const positiveInteger = (name: string, value: number) => {
    if (!(Number.isSafeInteger(value) && value > 0)) fail(name, 'a positive integer', value);
  };
  share('defaults.diversity', resolved.defaults.diversity);
  share('defaults.explorationShare', resolved.defaults.explorationShare);
  positiveInteger('maxLimit', resolved.maxLimit);
  positive('candidatesPerSlot', resolved.candidatesPerSlot);
  positiveInteger('minCandidates', resolved.minCandidates);
  positive('freshnessHalfLifeMs', resolved.freshnessHalfLifeMs);
  positiveInteger('maxReasons', resolved.maxReasons);
  const settings = resolved.generatorSettings;
  positiveInteger('generatorSettings.maxSourceItems', settings.maxSourceItems);
  positive('generatorSettings.sourceHalfLifeMs', settings.sourceHalfLifeMs);
  positive('generatorSettings.newArrivalMaxAgeMs', settings.newArrivalMaxAgeMs);
  if (!(settings.neighbourPrior >= 0))
    fail('generatorSettings.neighbourPrior', '>= 0', settings.neighbourPrior);
  if (!(Number.isSafeInteger(settings.topCategories) && settings.topCategories >= 0)) {
    fail('generatorSettings.topCategories', 'an integer >= 0', settings.topCategories);
  }
  if (!(Number.isSafeInteger(settings.topBrands) && settings.topBrands >= 0)) {
    fail('generatorSettings.topBrands', 'an integer >= 0', settings.topBrands);
  }
  for (const [name, plan] of Object.entries(strategies)) {
    if (plan.generators.length === 0) fail(`strategies.${name}.generators`, 'non-empty', '[]');
    assertWeights(`strategies.${name}.weights`, plan.weights);
  }
  return resolved;
}

/** Weights must be finite and >= 0, with at least one above 0. */
export function assertWeights(name: string, weights: SignalWeights): void {
  for (const [signal, weight] of Object.entries(weights)) {
    if (!(Number.isFinite(weight) && weight >= 0))
      fail(`${name}.${signal}`, 'a number >= 0', weight);
  }
  if (!Object.values(weights).some((weight) => weight > 0)) {
    fail(name, 'at least one weight above 0', JSON.stringify(weights));
  }
}

function fail(name: string, expected: string, value: unknown): never {
  throw new RangeError(
    `recommendation pipeline option ${name} must be ${expected}, got ${String(value)}`,
  );
}
