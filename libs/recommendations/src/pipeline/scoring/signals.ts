import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import type { ItemStatisticsDocument } from '../../projections/item-statistics.document';
import { popularityAt, trendingAt } from '../../projections/popularity';
import type { ResolvedContext, SignalSpec } from '../candidates/candidate-generator';
import type { Evidence } from '../candidates/evidence';
import { categoryPathOverlap } from '../diversity/item-similarity';
import type { ShopperInterest } from '../profile/shopper-interest';
import type { FeaturedCandidate } from './scorer';

/** Signals the pipeline computes for every candidate (generators may add more, e.g. 'model'). */
export const BUILT_IN_SIGNALS = [
  'coOccurrence',
  'categoryAffinity',
  'brandAffinity',
  'priceAffinity',
  'popularity',
  'trending',
  'freshness',
  'contextMatch',
] as const;

/** A candidate after filtering: facts loaded, generator scores summed per signal. */
export interface PooledCandidate {
  readonly itemId: string;
  readonly item: CatalogItemDocument;
  readonly statistics: ItemStatisticsDocument | undefined;
  readonly evidence: readonly Evidence[];
  readonly sources: readonly string[];
  /** Generator-fed signal name → summed raw score. */
  readonly raw: ReadonlyMap<string, number>;
}

export interface SignalEnvironment {
  readonly now: number;
  readonly interest: ShopperInterest;
  readonly context: ResolvedContext;
  readonly freshnessHalfLifeMs: number;
  /** The signals generators feed, with how to normalise them. */
  readonly generatorSignals: readonly SignalSpec[];
}

/**
 * Every signal of every candidate, 0..1. Relative signals (popularity,
 * co-occurrence) are normalised over this request's candidates, so they
 * rank within the request; the others are absolute.
 *
 * - popularity: log(1 + popularityAt) over the largest: popularity is heavy
 *   tailed, and a plain ratio would leave every item but the top few near 0.
 * - trending: log(trendingAt) over log(max(2, largest)); only rising items
 *   (above 1) score, and doubling scores 1 when nothing rises faster.
 * - freshness: 2^(-age/half-life) from listedAt.
 * - category / brand / price affinity: see ShopperInterest.
 * - contextMatch: category path overlap with the product of a product page
 *   (0 elsewhere: on the cart page the same category means a substitute for
 *   what is already chosen, and complements come from also-bought).
 */
export function computeSignals(
  pool: readonly PooledCandidate[],
  env: SignalEnvironment,
): FeaturedCandidate[] {
  const popularity = pool.map((c) => (c.statistics ? popularityAt(c.statistics, env.now) : 0));
  const trending = pool.map((c) => (c.statistics ? trendingAt(c.statistics, env.now) : 0));
  const maxPopularity = Math.log1p(Math.max(0, ...popularity));
  const maxTrend = Math.log(Math.max(2, ...trending));
  const generated = new Map(
    env.generatorSignals.map((spec) => [spec.name, normaliser(spec, pool)] as const),
  );
  const product = env.context.kind === 'product' ? env.context.product : null;

  return pool.map((candidate, index) => {
    const { item } = candidate;
    const category = env.interest.categoryAffinity(item.categoryKeys);
    const price = env.interest.priceAffinity(item.price, item.currency);
    const age = Math.max(0, env.now - Date.parse(item.listedAt));
    const signals: Record<string, number> = {
      coOccurrence: 0,
      categoryAffinity: category.value,
      brandAffinity: env.interest.brandAffinity(item.brand),
      priceAffinity: price.value,
      popularity: maxPopularity > 0 ? Math.log1p(popularity[index]!) / maxPopularity : 0,
      trending: trending[index]! > 1 ? Math.log(trending[index]!) / maxTrend : 0,
      freshness: Number.isFinite(age) ? 2 ** (-age / env.freshnessHalfLifeMs) : 0,
      contextMatch: product ? categoryPathOverlap(item.categoryPath, product.categoryPath) : 0,
    };
    for (const [name, normalise] of generated) signals[name] = normalise(candidate.raw.get(name));
    return {
      itemId: candidate.itemId,
      item,
      statistics: candidate.statistics,
      evidence: candidate.evidence,
      sources: candidate.sources,
      signals,
      facts: {
        ...(category.categoryKey !== undefined && { affinityCategoryKey: category.categoryKey }),
        priceBand: price.band,
        popularity: popularity[index]!,
        trending: trending[index]!,
      },
    };
  });
}

function normaliser(
  spec: SignalSpec,
  pool: readonly PooledCandidate[],
): (value: number | undefined) => number {
  const values = pool.flatMap((c) => {
    const value = c.raw.get(spec.name);
    return value === undefined ? [] : [value];
  });
  const max = Math.max(-Infinity, ...values);
  const min = Math.min(Infinity, ...values);
  const clamp = (value: number) => Math.min(1, Math.max(0, value));
  switch (spec.normalization) {
    case 'identity':
      return (value) => (value === undefined ? 0 : clamp(value));
    case 'min_max':
      return (value) =>
        value === undefined ? 0 : max > min ? (value - min) / (max - min) : value > 0 ? 1 : 0;
    case 'max':
      return (value) => (value === undefined || !(max > 0) ? 0 : clamp(value / max));
  }
}
