import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { CommandContext } from '@pulse/platform/actors/event-sourced-binding';
import { fieldsOf } from '@pulse/platform/projections/projection';
import { READ_MODELS, type ReadModels } from '@pulse/platform/projections/read-models';
import type { ShopperProfileDocument } from '@pulse/shoppers/projections/shopper-profile.document';
import { RECOMMENDATION_DATA, type RecommendationData } from '../pipeline/recommendation-data.port';
import { ShopperInterest } from '../pipeline/profile/shopper-interest';
import type { SearchFilters, SearchHit } from '../search';
import { personalRerank } from '../search/personal-rerank';
import { SEARCH_MODEL_SCORER, type SearchModelScorer } from '../search/search-model.port';
import { SearchIndexFeeder } from './search-index.feeder';
import { itemDisplayFields } from './item-display';
import { ServedResponsesRecorder } from './served-responses.recorder';

export interface SearchRequest {
  readonly query: string;
  readonly shopperId?: string;
  readonly filters: SearchFilters;
  readonly offset: number;
  readonly limit: number;
  /** How much the shopper's interests weigh against text relevance, 0..1. */
  readonly personalWeight: number;
}

/** Hits re-ranked for a shopper: enough that the first pages are right. */
const RERANK_DEPTH = 200;

/**
 * Text retrieval (BM25 over title, brand, category and description, English
 * and Chinese, prefix and typo tolerant) and, with a shopper, a re-rank of
 * the best matches by their interests and, when a model serves, its scores
 * for them after the shopper's history. Without a shopper: plain relevance.
 */
@Injectable()
export class SearchService {
  constructor(
    private readonly feeder: SearchIndexFeeder,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(RECOMMENDATION_DATA) private readonly data: RecommendationData,
    private readonly served: ServedResponsesRecorder,
    @Optional() @Inject(SEARCH_MODEL_SCORER) private readonly model?: SearchModelScorer,
  ) {}

  async search(request: SearchRequest, context: CommandContext) {
    const depth = Math.max(RERANK_DEPTH, request.offset + request.limit);
    const personal = request.shopperId ? await this.interest(request.shopperId) : null;
    const result = this.feeder.index.search(request.query, {
      filters: request.filters,
      offset: personal ? 0 : request.offset,
      limit: personal ? depth : request.limit,
      facets: true,
    });
    const catalog = await this.data.catalogItemsByIds(result.hits.map((hit) => hit.itemId));
    const matches = new Map(result.hits.map((hit) => [hit.itemId, hit.matched]));
    const textScores = new Map(result.hits.map((hit) => [hit.itemId, hit.score]));

    let page: {
      itemId: string;
      score: number;
      personal?: number;
      model?: number;
      matchedInterest?: { categoryKey?: string; brand?: string };
    }[];
    let modelVersion: string | undefined;
    if (personal) {
      const found = result.hits.flatMap((hit) => {
        const item = catalog.get(hit.itemId);
        return item ? [item] : [];
      });
      const candidates = found.map((item) => ({
        itemId: item.itemId,
        textScore: textScores.get(item.itemId)!,
        categoryKeys: item.categoryKeys,
        brand: item.brand,
        price: item.price,
        currency: item.currency,
      }));
      const byModel = request.personalWeight > 0 ? this.model?.score(personal, found) : undefined;
      modelVersion = byModel?.modelVersion;
      page = personalRerank(candidates, personal, request.personalWeight, byModel?.scores).slice(
        request.offset,
        request.offset + request.limit,
      );
    } else {
      page = result.hits.map((hit) => ({ itemId: hit.itemId, score: hit.score }));
    }

    const responseId = randomUUID();
    const strategy = personal ? 'search_personalized' : 'search';
    await this.served.record(
      {
        type: 'SearchResultsServed',
        data: {
          responseId,
          ...(request.shopperId !== undefined && { shopperId: request.shopperId }),
          strategy,
          ...(modelVersion !== undefined && { modelVersion }),
          query: request.query,
          total: result.total,
          items: page.map((hit, i) => ({ itemId: hit.itemId, position: request.offset + i, score: hit.score })),
          servedAt: context.receivedAt,
        },
      },
      context,
    );
    return {
      id: responseId,
      query: request.query,
      strategy,
      ...(modelVersion !== undefined && { modelVersion }),
      total: result.total,
      ...(result.partial && { partial: true }),
      items: page.map((hit) => ({
        itemId: hit.itemId,
        score: round(hit.score),
        textScore: round(textScores.get(hit.itemId) ?? 0),
        ...(hit.personal !== undefined && { personalScore: round(hit.personal) }),
        ...(hit.model !== undefined && { modelScore: round(hit.model) }),
        reasons: reasons(matches.get(hit.itemId), hit.matchedInterest, hit.model !== undefined && hit.model >= MODEL_REASON_AT ? modelVersion : undefined),
        ...itemDisplayFields(catalog.get(hit.itemId)),
      })),
      facets: result.facets,
    };
  }

  /** The shopper's interests now; null when Pulse knows nothing about them yet. */
  private async interest(shopperId: string): Promise<ShopperInterest | null> {
    const doc = await this.readModels.get('shopper_profiles', shopperId);
    if (!doc) return null;
    const interest = ShopperInterest.from(fieldsOf(doc) as ShopperProfileDocument, Date.now());
    return interest.isEmpty ? null : interest;
  }
}

/** A match the model scores in the top quarter of the candidates' range says so in its reasons. */
const MODEL_REASON_AT = 0.75;

function reasons(
  matched: SearchHit['matched'] | undefined,
  interest?: { categoryKey?: string; brand?: string },
  modelVersion?: string,
) {
  const out: { code: string; text: string; [fact: string]: unknown }[] = [];
  if (matched) {
    out.push({
      code: 'text_match',
      text: `matches ${matched.terms.map((t) => `'${t}'`).join(', ')} in ${matched.fields.join(', ')}`,
      terms: matched.terms,
      fields: matched.fields,
    });
    for (const fix of matched.typoCorrections ?? []) {
      out.push({ code: 'typo_corrected', text: `'${fix.from}' read as '${fix.to}'`, ...fix });
    }
  }
  if (interest?.categoryKey) {
    out.push({ code: 'category_affinity', text: `matches your interest in ${interest.categoryKey.replace(/>/g, ' › ')}`, categoryKey: interest.categoryKey });
  }
  if (interest?.brand) {
    out.push({ code: 'brand_affinity', text: `matches your interest in ${interest.brand}`, brand: interest.brand });
  }
  if (modelVersion) {
    out.push({ code: 'model', text: `ranked high for you by ${modelVersion}`, modelVersion });
  }
  return out;
}


const round = (value: number) => Math.round(value * 1e6) / 1e6;
