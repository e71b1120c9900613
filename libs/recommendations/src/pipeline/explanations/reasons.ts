import { compareKeys } from '@pulse/platform/time/decayed-map';
import type { ResolvedContext } from '../candidates/candidate-generator';
import type {
  CategoryPopularityEvidence,
  CoOccurrenceEvidence,
  Evidence,
} from '../candidates/evidence';
import type { SlotKind } from '../recommendation-result';
import type { FeaturedCandidate } from '../scoring/scorer';
import type { Reason } from './reason';
import {
  bestOf,
  category,
  coOccurrenceReason,
  deepestShared,
  fallback,
  leaf,
  newArrival,
  trendingReason,
} from './reason-builders';

export interface ExplanationEnvironment {
  readonly now: number;
  /** Titles of every item a reason may name (sources, the context product). */
  readonly titles: ReadonlyMap<string, string>;
  readonly context: ResolvedContext;
  /** Reasons besides the slot's own. */
  readonly maxReasons: number;
  readonly newArrivalMaxAgeMs: number;
  readonly promotionLabel?: string;
}

/** Co-occurrence reasons per item at most: the two strongest sources say enough. */
const MAX_SOURCES = 2;
/** A reason whose contribution is below this share of the leading one is left out. */
const MIN_RELATIVE_WEIGHT = 0.1;

/** Items a reason may name, to look up their titles in one call. */
export function referencedItemIds(candidates: readonly FeaturedCandidate[]): string[] {
  const ids = new Set<string>();
  for (const candidate of candidates) {
    for (const evidence of candidate.evidence) {
      if (evidence.kind === 'co_occurrence') ids.add(evidence.source.itemId);
    }
  }
  return [...ids];
}

/**
 * Reasons for one item, most important first: each signal that contributed
 * to its score gives the reason backed by its concrete evidence (the viewed
 * item and when, the liked category or brand, the trend), ordered by the
 * signal's contribution; reasons adding under a tenth of the leading one are
 * dropped. A reserved slot leads with its own reason (promoted, new
 * arrival). Never empty: without any contributing signal, the generator's
 * evidence speaks.
 */
export function explain(
  candidate: FeaturedCandidate,
  contributions: Readonly<Record<string, number>>,
  slot: SlotKind,
  env: ExplanationEnvironment,
): Reason[] {
  const weighted = weightedReasons(candidate, contributions, env);
  weighted.sort((a, b) => b.weight - a.weight || compareKeys(a.reason.code, b.reason.code));
  const lead = weighted[0]?.weight ?? 0;
  let reasons = weighted
    .filter(({ weight }) => weight > 0 && weight >= lead * MIN_RELATIVE_WEIGHT)
    .map(({ reason }) => reason);

  const first: Reason[] = [];
  if (slot === 'promoted') {
    first.push({
      code: 'promoted',
      text: env.promotionLabel ? `promoted: ${env.promotionLabel}` : 'promoted',
      ...(env.promotionLabel !== undefined && { label: env.promotionLabel }),
    });
  }
  if (slot === 'exploration') {
    const arrival = newArrival(candidate, env) ?? newArrival(candidate, env, Infinity)!;
    first.push(arrival);
    reasons = reasons.filter((reason) => reason.code !== 'new_arrival');
  }
  if (first.length === 0 && reasons.length === 0) reasons = [fallback(candidate, env)];
  return [...first, ...reasons.slice(0, env.maxReasons)];
}

type Weighted = { reason: Reason; weight: number };

function weightedReasons(
  candidate: FeaturedCandidate,
  contributions: Readonly<Record<string, number>>,
  env: ExplanationEnvironment,
): Weighted[] {
  const share = (signal: string) => contributions[signal] ?? 0;
  const result: Weighted[] = [];
  const evidence = candidate.evidence;

  const coOccurrence = strongestCoOccurrences(evidence);
  const coTotal = coOccurrence.reduce((sum, e) => sum + e.strength * e.source.weight, 0);
  for (const e of coOccurrence) {
    const weight =
      coTotal > 0 ? (share('coOccurrence') * e.strength * e.source.weight) / coTotal : 0;
    result.push({ reason: coOccurrenceReason(e, env), weight });
  }

  const popularInCategory = bestOf(
    evidence.filter((e): e is CategoryPopularityEvidence => e.kind === 'category_popularity'),
  );
  const affinityKey = candidate.facts.affinityCategoryKey;
  if (popularInCategory) {
    const { categoryKey } = popularInCategory;
    result.push({
      reason: category('popular_in_category', `popular in ${leaf(categoryKey)}`, categoryKey),
      weight: share('categoryAffinity') + share('popularity') + share('contextMatch'),
    });
  } else {
    if (affinityKey !== undefined) {
      result.push({
        reason: category(
          'category_affinity',
          `matches your interest in ${leaf(affinityKey)}`,
          affinityKey,
        ),
        weight: share('categoryAffinity'),
      });
    }
    result.push({
      reason: { code: 'popular', text: 'popular right now' },
      weight: share('popularity'),
    });
    const product = env.context.kind === 'product' ? env.context.product : null;
    const sameKey = product && deepestShared(candidate.item.categoryKeys, product.categoryKeys);
    if (product && sameKey) {
      result.push({
        reason: {
          code: 'same_category',
          text: `also in ${leaf(sameKey)}, like ${product.title}`,
          categoryKey: sameKey,
          category: leaf(sameKey),
          relatedItemId: product.itemId,
          relatedTitle: product.title,
        },
        weight: share('contextMatch'),
      });
    }
  }

  const brand = candidate.item.brand;
  if (brand !== '') {
    result.push({
      reason: { code: 'brand_affinity', text: `matches your interest in ${brand}`, brand },
      weight: share('brandAffinity'),
    });
  }
  const band = candidate.facts.priceBand;
  result.push({
    reason: {
      code: 'price_affinity',
      text: `in your usual price range (${band.replace(':', ' ')})`,
      priceBand: band,
    },
    weight: share('priceAffinity'),
  });
  if (candidate.facts.trending > 1) {
    result.push({ reason: trendingReason(candidate, evidence), weight: share('trending') });
  }
  const arrival = newArrival(candidate, env);
  if (arrival) result.push({ reason: arrival, weight: share('freshness') });

  for (const e of evidence) {
    if (e.kind !== 'model') continue;
    result.push({
      reason: {
        code: 'model',
        text: e.text ?? 'picked for you by the recommendation model',
        model: e.model,
        ...(e.modelVersion !== undefined && { modelVersion: e.modelVersion }),
      },
      weight: share(e.signal ?? 'model'),
    });
  }
  return result;
}

function strongestCoOccurrences(evidence: readonly Evidence[]): CoOccurrenceEvidence[] {
  return evidence
    .filter((e): e is CoOccurrenceEvidence => e.kind === 'co_occurrence')
    .sort(
      (a, b) =>
        b.strength * b.source.weight - a.strength * a.source.weight ||
        compareKeys(a.source.itemId, b.source.itemId) ||
        compareKeys(a.relation, b.relation),
    )
    .slice(0, MAX_SOURCES);
}
