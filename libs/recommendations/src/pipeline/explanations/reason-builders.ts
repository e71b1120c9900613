import { CATEGORY_SEPARATOR } from '@pulse/catalog/projections/category-keys';
import { compareKeys } from '@pulse/platform/time/decayed-map';
import type {
  CategoryPopularityEvidence,
  CoOccurrenceEvidence,
  CoOccurrenceSource,
  Evidence,
  TrendingEvidence,
} from '../candidates/evidence';
import type { FeaturedCandidate } from '../scoring/scorer';
import type { Reason } from './reason';
import type { ExplanationEnvironment } from './reasons';
import { relativeTime } from './relative-time';

/** Builders of single reasons, each from concrete evidence or item facts. */

export function coOccurrenceReason(e: CoOccurrenceEvidence, env: ExplanationEnvironment): Reason {
  const title = env.titles.get(e.source.itemId) ?? e.source.itemId;
  const verb = e.relation === 'also_viewed' ? 'viewed' : 'bought';
  return {
    code: e.relation,
    text: `often ${verb} with ${title}`,
    sourceItemId: e.source.itemId,
    sourceTitle: title,
    sourceInteraction: describeSource(e.source, env.now),
    sourceInteractionType: e.source.interaction,
    ...(e.source.occurredAt !== undefined && { sourceOccurredAt: e.source.occurredAt }),
  };
}

function describeSource(source: CoOccurrenceSource, now: number): string {
  const ago = () => relativeTime(Date.parse(source.occurredAt ?? ''), now);
  switch (source.interaction) {
    case 'viewed':
      return `viewed ${ago()}`;
    case 'added_to_cart':
      return `added to cart ${ago()}`;
    case 'bought':
      return `bought ${ago()}`;
    case 'current_product':
      return 'viewing now';
    case 'in_cart':
      return 'in your cart';
  }
}

export function trendingReason(
  candidate: FeaturedCandidate,
  evidence: readonly Evidence[],
): Reason {
  const trending = Math.round(candidate.facts.trending * 100) / 100;
  const scoped = evidence.find(
    (e): e is TrendingEvidence => e.kind === 'trending' && e.categoryKey !== undefined,
  );
  if (scoped?.categoryKey !== undefined) {
    return {
      code: 'trending_in_category',
      text: `trending in ${leaf(scoped.categoryKey)}`,
      trending,
      categoryKey: scoped.categoryKey,
      category: leaf(scoped.categoryKey),
    };
  }
  return { code: 'trending', text: 'trending now', trending };
}

export function newArrival(
  candidate: FeaturedCandidate,
  env: ExplanationEnvironment,
  maxAgeMs = env.newArrivalMaxAgeMs,
): Reason | undefined {
  const listedAt = candidate.item.listedAt;
  if (!(env.now - Date.parse(listedAt) <= maxAgeMs)) return undefined;
  const listed = `listed ${relativeTime(Date.parse(listedAt), env.now)}`;
  return { code: 'new_arrival', text: `new arrival, ${listed}`, listedAt, listed };
}

/** When no signal contributed (all weights on signals this item lacks): what proposed it. */
export function fallback(candidate: FeaturedCandidate, env: ExplanationEnvironment): Reason {
  for (const e of candidate.evidence) {
    switch (e.kind) {
      case 'co_occurrence':
        return coOccurrenceReason(e, env);
      case 'category_popularity':
        return category('popular_in_category', `popular in ${leaf(e.categoryKey)}`, e.categoryKey);
      case 'brand_popularity':
        return {
          code: 'brand_affinity',
          text: `matches your interest in ${e.brand}`,
          brand: e.brand,
        };
      case 'trending':
        return trendingReason(candidate, [e]);
      case 'new_arrival':
        return newArrival(candidate, env, Infinity)!;
      default:
        break;
    }
  }
  return { code: 'popular', text: 'popular right now' };
}

export function category(
  code: 'category_affinity' | 'popular_in_category',
  text: string,
  categoryKey: string,
): Reason {
  return { code, text, categoryKey, category: leaf(categoryKey) };
}

/** The deepest, then most popular, category-popularity evidence. */
export function bestOf(list: CategoryPopularityEvidence[]): CategoryPopularityEvidence | undefined {
  return [...list].sort(
    (a, b) =>
      b.categoryKey.split(CATEGORY_SEPARATOR).length -
        a.categoryKey.split(CATEGORY_SEPARATOR).length ||
      b.popularity - a.popularity ||
      compareKeys(a.categoryKey, b.categoryKey),
  )[0];
}

export function deepestShared(a: readonly string[], b: readonly string[]): string | undefined {
  const shared = a.filter((key) => b.includes(key));
  return shared[shared.length - 1];
}

/** `Shoes>Running` → `Running`. */
export function leaf(categoryKey: string): string {
  return categoryKey.slice(categoryKey.lastIndexOf(CATEGORY_SEPARATOR) + 1);
}
