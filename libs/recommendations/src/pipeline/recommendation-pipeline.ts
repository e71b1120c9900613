import type { CandidateGenerator } from './candidates/candidate-generator';
import { resolveContext } from './candidates/resolve-context';
import { emptyFilteredOut } from './filters/candidate-filters';
import { BUILT_IN_GENERATORS } from './generators';
import {
  resolvePipelineOptions,
  type PipelineOptions,
  type ResolvedPipelineOptions,
} from './pipeline-options';
import type { StrategyPlan } from './strategy-plans';
import { runPipeline } from './pipeline-run';
import { ShopperInterest } from './profile/shopper-interest';
import { NamedRegistry } from './registry/named-registry';
import type { RecommendationData } from './recommendation-data.port';
import type { RecommendationRequest, SimilarItemsRequest } from './recommendation-request';
import type {
  RecommendationResult,
  SimilarItemsResult,
  StrategyName,
} from './recommendation-result';
import {
  InvalidRecommendationRequestError,
  validateRecommendationRequest,
  validateSimilarItemsRequest,
  type ValidationLimits,
} from './request-validation';
import { linearBlendScorer, popularityScorer } from './scoring/linear-blend.scorer';
import type { Scorer } from './scoring/scorer';
import { BUILT_IN_SIGNALS } from './scoring/signals';

/**
 * The recommendation pipeline: pure, with its data behind the
 * RecommendationData port. Generators and scorers are registered by name
 * (built-ins plus PipelineOptions.generators/scorers), and each strategy is
 * a plan naming them, so a model-based generator or scorer plugs in by
 * registering it and naming it in a plan (or per request, for A/B tests).
 */
export class RecommendationPipeline {
  private readonly options: ResolvedPipelineOptions;
  private readonly generators: NamedRegistry<CandidateGenerator>;
  private readonly scorers: NamedRegistry<Scorer>;
  private readonly limits: ValidationLimits;

  constructor(
    private readonly data: RecommendationData,
    options: PipelineOptions = {},
  ) {
    this.options = resolvePipelineOptions(options);
    this.generators = new NamedRegistry('generator', [
      ...BUILT_IN_GENERATORS,
      ...(options.generators ?? []),
    ]);
    this.scorers = new NamedRegistry('scorer', [
      linearBlendScorer,
      popularityScorer,
      ...(options.scorers ?? []),
    ]);
    // A plan naming something unregistered fails at start-up, not on the first request.
    for (const plan of Object.values(this.options.strategies) as StrategyPlan[]) {
      plan.generators.forEach((name) => this.generators.get(name));
      this.scorers.get(plan.scorer);
    }
    const generatorSignals = this.generators
      .values()
      .flatMap((g) => (g.signal ? [g.signal.name] : []));
    this.limits = {
      maxLimit: this.options.maxLimit,
      signals: new Set([...BUILT_IN_SIGNALS, ...generatorSignals]),
      generators: new Set(this.generators.values().map((g) => g.name)),
      scorers: new Set(this.scorers.values().map((s) => s.name)),
    };
  }

  /**
   * Recommendations for a shopper (or an anonymous visitor) in a context.
   * Strategy: 'popular' when asked for (the baseline), 'model' when asked
   * for and a model supplied its plan (the model alone), else 'personalized',
   * or 'cold_start' when the profile is absent or says nothing.
   */
  async recommend(request: RecommendationRequest): Promise<RecommendationResult> {
    validateRecommendationRequest(request, this.limits);
    const shopper = ShopperInterest.from(request.profile, request.now);
    const strategy: StrategyName =
      request.strategy === 'popular' || request.strategy === 'model'
        ? request.strategy
        : shopper.isEmpty
          ? 'cold_start'
          : 'personalized';
    const plan = this.options.strategies[strategy];
    if (!plan) {
      throw new InvalidRecommendationRequestError(
        'strategy',
        "'auto' or 'popular' while no model is serving (see GET /v1/admin/models)",
        strategy,
      );
    }
    const context = await resolveContext(this.data, request.context, shopper);
    return runPipeline({
      ...this.planned(plan, request),
      data: this.data,
      options: this.options,
      strategy,
      plan,
      context,
      interest: strategy === 'personalized' || strategy === 'model' ? shopper : ShopperInterest.EMPTY,
      shopper,
      now: request.now,
      limit: request.limit,
      rules: request.rules ?? {},
      ...(request.promotion !== undefined && { promotion: request.promotion }),
      diversity: request.diversity ?? this.options.defaults.diversity,
      explorationShare: request.explorationShare ?? this.options.defaults.explorationShare,
      repeatPurchaseCategories:
        request.repeatPurchaseCategories ?? this.options.repeatPurchaseCategories,
    });
  }

  /**
   * Items like `itemId` (GET /v1/items/:id/similar): its also-viewed and
   * also-bought neighbours blended with popular items of its category. A
   * profile, when given, only filters (purchases, cart, session); the order
   * is the same for everyone. A delisted item still has similar items (the
   * "no longer available, try these" page); an unknown one has none.
   */
  async similarItems(request: SimilarItemsRequest): Promise<SimilarItemsResult> {
    validateSimilarItemsRequest(request, this.limits);
    const shopper = ShopperInterest.from(request.profile, request.now);
    const context = await resolveContext(
      this.data,
      { kind: 'product', itemId: request.itemId },
      shopper,
    );
    const plan = this.options.strategies.similar;
    if (!context.product) {
      return {
        anchor: null,
        items: [],
        strategy: 'similar',
        scorer: plan.scorer,
        generators: plan.generators,
        candidatesConsidered: 0,
        filteredOut: emptyFilteredOut(),
        exploration: { reserved: 0, filled: 0 },
      };
    }
    const result = await runPipeline({
      ...this.planned(plan, request),
      data: this.data,
      options: this.options,
      strategy: 'similar',
      plan,
      context,
      interest: ShopperInterest.EMPTY,
      shopper,
      now: request.now,
      limit: request.limit,
      rules: request.rules ?? {},
      diversity: request.diversity ?? this.options.defaults.diversity,
      explorationShare: 0,
      repeatPurchaseCategories:
        request.repeatPurchaseCategories ?? this.options.repeatPurchaseCategories,
    });
    return { ...result, anchor: { itemId: context.product.itemId, title: context.product.title } };
  }

  /** The generators, scorer and weights of a plan, with the request's overrides. */
  private planned(
    plan: StrategyPlan,
    request: Pick<RecommendationRequest, 'scorer' | 'generators' | 'weights'>,
  ) {
    const weights = { ...plan.weights, ...request.weights };
    if (!Object.values(weights).some((weight) => weight > 0)) {
      throw new InvalidRecommendationRequestError(
        'weights',
        'leaving at least one signal weight above 0',
        JSON.stringify(weights),
      );
    }
    return {
      generators: (request.generators ?? plan.generators).map((name) => this.generators.get(name)),
      scorer: this.scorers.get(request.scorer ?? plan.scorer),
      weights,
    };
  }
}
