import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import type {
  CandidateGenerator,
  ResolvedContext,
  SignalSpec,
} from './candidates/candidate-generator';
import { mergeCandidates } from './candidates/candidate-merge';
import { mmrLambda } from './diversity/mmr';
import { explain, referencedItemIds } from './explanations/reasons';
import { filterCandidates } from './filters/candidate-filters';
import { compileRules } from './filters/request-rules';
import type { ResolvedPipelineOptions } from './pipeline-options';
import type { StrategyPlan } from './strategy-plans';
import type { ShopperInterest } from './profile/shopper-interest';
import { promotionCandidates } from './promotions/promotion-candidates';
import { matchesPromotion } from './promotions/promotion-filter';
import type { RecommendationData } from './recommendation-data.port';
import type { Promotion, RecommendationRules, SignalWeights } from './recommendation-request';
import type { RecommendationResult, RecommendedItem, StrategyName } from './recommendation-result';
import type { Scorer } from './scoring/scorer';
import { computeSignals } from './scoring/signals';
import { planSlots } from './slots/reserved-slots';
import { assembleSlate } from './slots/slate-assembly';

/** Everything one run needs, resolved by the facade. */
export interface PipelineRun {
  readonly data: RecommendationData;
  readonly options: ResolvedPipelineOptions;
  readonly strategy: StrategyName;
  readonly plan: StrategyPlan;
  readonly generators: readonly CandidateGenerator[];
  readonly scorer: Scorer;
  readonly context: ResolvedContext;
  /** What generators and signals personalise on (EMPTY for cold start and similar items). */
  readonly interest: ShopperInterest;
  /** Whose purchases, cart and session are filtered out. */
  readonly shopper: ShopperInterest;
  readonly now: number;
  readonly limit: number;
  readonly rules: RecommendationRules;
  readonly promotion?: Promotion;
  readonly diversity: number;
  readonly explorationShare: number;
  readonly weights: SignalWeights;
  readonly repeatPurchaseCategories: readonly string[];
}

/**
 * generate → merge → filter → signals → score → slots (promotion,
 * exploration, MMR) → explain. Deterministic: no clock, no randomness, and
 * every ordering breaks ties by item id.
 */
export async function runPipeline(run: PipelineRun): Promise<RecommendationResult> {
  const { data, options, now, limit, context } = run;
  const budget = Math.max(Math.ceil(run.limit * options.candidatesPerSlot), options.minCandidates);
  const input = {
    data,
    now,
    context,
    interest: run.interest,
    budget,
    settings: options.generatorSettings,
  };
  const promotion = run.promotion && run.promotion.share > 0 ? run.promotion : undefined;
  const [generated, promoted] = await Promise.all([
    Promise.all(
      run.generators.map(async (generator) => ({
        generator,
        candidates: await generator.generate(input),
      })),
    ),
    promotion ? promotionCandidates(promotion, data, now, budget) : Promise.resolve([]),
  ]);
  const pool = mergeCandidates(generated, [{ source: 'promotion', candidates: promoted }]);
  const ids = [...pool.keys()];
  const [catalog, statistics] = await Promise.all([
    data.catalogItemsByIds(ids),
    data.statisticsByIds(ids),
  ]);
  const { eligible, filteredOut } = filterCandidates(ids, catalog, {
    context,
    shopper: run.shopper,
    rules: compileRules(run.rules),
    repeatPurchaseCategories: new Set(run.repeatPurchaseCategories),
    excludeSessionItems: options.excludeSessionItems,
  });

  const featured = computeSignals(
    eligible.map((itemId) => ({
      ...pool.get(itemId)!,
      item: catalog.get(itemId)!,
      statistics: statistics.get(itemId),
    })),
    {
      now,
      interest: run.interest,
      context,
      freshnessHalfLifeMs: options.freshnessHalfLifeMs,
      generatorSignals: signalSpecs(run.generators),
    },
  );
  const scores = await run.scorer.score({
    candidates: featured,
    weights: run.weights,
    now,
    interest: run.interest,
  });
  const scoreOf = checkedScores(run.scorer.name, featured, scores);

  const length = Math.min(limit, featured.length);
  const isPromoted = (index: number) =>
    promotion !== undefined &&
    matchesPromotion(featured[index]!.item, promotion.filter, now, options.isOnSale);
  const isNew = (index: number) =>
    now - Date.parse(featured[index]!.item.listedAt) <=
    options.generatorSettings.newArrivalMaxAgeMs;
  const promotionSlots = promotion ? Math.min(Math.round(limit * promotion.share), limit) : 0;
  const explorationShare = run.plan.explore ? run.explorationShare : 0;
  const explorationSlots = Math.min(Math.round(limit * explorationShare), limit - promotionSlots);
  const poolSize = (matches: (index: number) => boolean) =>
    featured.filter((_, i) => matches(i)).length;
  const slotPlan = planSlots(
    length,
    Math.min(promotionSlots, poolSize(isPromoted)),
    Math.min(
      explorationSlots,
      poolSize((i) => isNew(i) && !isPromoted(i)),
    ),
  );
  const picks = assembleSlate({
    entries: featured.map((candidate) => ({
      itemId: candidate.itemId,
      relevance: scoreOf.get(candidate.itemId)!.score,
      facts: candidate.item,
    })),
    lambda: run.plan.diversify ? mmrLambda(run.diversity) : 1,
    plan: slotPlan,
    promoted: isPromoted,
    exploration: isNew,
  });

  const titles = await titlesFor(
    data,
    referencedItemIds(picks.map((pick) => featured[pick.index]!)),
    catalog,
    context,
  );
  const items: RecommendedItem[] = picks.map(({ index, slot, score }) => {
    const candidate = featured[index]!;
    const { score: relevance, contributions } = scoreOf.get(candidate.itemId)!;
    return {
      itemId: candidate.itemId,
      score,
      relevance,
      slot,
      reasons: explain(candidate, contributions, slot, {
        now,
        titles,
        context,
        maxReasons: options.maxReasons,
        newArrivalMaxAgeMs: options.generatorSettings.newArrivalMaxAgeMs,
        ...(promotion?.label !== undefined && { promotionLabel: promotion.label }),
      }),
      signals: candidate.signals,
      contributions,
      sources: candidate.sources,
    };
  });

  const modelVersion =
    run.scorer.modelVersion ?? run.generators.find((g) => g.modelVersion)?.modelVersion;
  return {
    items,
    strategy: run.strategy,
    scorer: run.scorer.name,
    generators: run.generators.map((generator) => generator.name),
    ...(modelVersion !== undefined && { modelVersion }),
    candidatesConsidered: ids.length,
    filteredOut,
    ...(promotion && {
      promotion: {
        reserved: promotionSlots,
        filled: items.filter((i) => i.slot === 'promoted').length,
      },
    }),
    exploration: {
      reserved: explorationSlots,
      filled: items.filter((i) => i.slot === 'exploration').length,
    },
  };
}

/** One spec per generator-fed signal (the first generator naming a signal decides its normalisation). */
function signalSpecs(generators: readonly CandidateGenerator[]): SignalSpec[] {
  const specs = new Map<string, SignalSpec>();
  for (const { signal } of generators) {
    if (signal && !specs.has(signal.name)) specs.set(signal.name, signal);
  }
  return [...specs.values()];
}

/** A scorer must score every candidate once, with a finite number >= 0. */
function checkedScores(
  scorer: string,
  featured: readonly { itemId: string }[],
  scores: readonly {
    itemId: string;
    score: number;
    contributions: Readonly<Record<string, number>>;
  }[],
) {
  const byId = new Map(scores.map((score) => [score.itemId, score]));
  for (const { itemId } of featured) {
    const entry = byId.get(itemId);
    if (!entry || !(Number.isFinite(entry.score) && entry.score >= 0)) {
      throw new Error(
        `scorer '${scorer}' returned ${entry ? `score ${entry.score}` : 'no score'} for item '${itemId}'; ` +
          'every candidate needs a finite score >= 0',
      );
    }
  }
  return byId;
}

/** Titles of the items reasons name: from the candidates' catalog documents, else one lookup. */
async function titlesFor(
  data: RecommendationData,
  ids: readonly string[],
  catalog: ReadonlyMap<string, CatalogItemDocument>,
  context: ResolvedContext,
): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  if (context.product) titles.set(context.product.itemId, context.product.title);
  for (const item of context.cartItems) titles.set(item.itemId, item.title);
  const missing = ids.filter((id) => !titles.has(id) && !catalog.has(id));
  const fetched = missing.length > 0 ? await data.catalogItemsByIds(missing) : new Map();
  for (const id of ids) {
    const item = catalog.get(id) ?? fetched.get(id);
    if (item && !titles.has(id)) titles.set(id, item.title);
  }
  return titles;
}
