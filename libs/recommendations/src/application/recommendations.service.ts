import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { CommandContext } from '@pulse/platform/actors/event-sourced-binding';
import { RequestValidationError } from '@pulse/platform/http/request-validation';
import { fieldsOf } from '@pulse/platform/projections/projection';
import { READ_MODELS, type ReadModels } from '@pulse/platform/projections/read-models';
import type { ShopperProfileDocument } from '@pulse/shoppers/projections/shopper-profile.document';
import { RECOMMENDATION_DATA, type RecommendationData } from '../pipeline/recommendation-data.port';
import { RecommendationPipeline } from '../pipeline/recommendation-pipeline';
import {
  describeContext,
  type RecommendationRequest,
} from '../pipeline/recommendation-request';
import type { RecommendationResult } from '../pipeline/recommendation-result';
import { InvalidRecommendationRequestError } from '../pipeline/request-validation';
import { itemDisplayFields } from './item-display';
import { ServedResponsesRecorder } from './served-responses.recorder';

/**
 * Supplies, per request, a pipeline to run instead of the default one (the
 * models library: one with the serving model's generator and scorer), leased
 * so a model swapped out meanwhile is not disposed under the request.
 */
export interface RecommendationPipelineProvider {
  acquire(data: RecommendationData): { readonly pipeline: RecommendationPipeline; release(): void } | undefined;
}
export const RECOMMENDATION_PIPELINE_PROVIDER = Symbol('RECOMMENDATION_PIPELINE_PROVIDER');

/** The read models a recommendation depends on: `after` waits for all of them. */
export const RECOMMENDATION_READ_MODELS = ['shopper_profiles', 'item_statistics', 'catalog_items'];

/**
 * Serves one recommendation request: loads the shopper's profile, runs the
 * pipeline, records what is shown, and returns it with the items' display
 * fields. The response id is the one later interactions cite in attribution.
 */
@Injectable()
export class RecommendationsService {
  private readonly pipeline: RecommendationPipeline;

  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(RECOMMENDATION_DATA) private readonly data: RecommendationData,
    private readonly served: ServedResponsesRecorder,
    @Optional()
    @Inject(RECOMMENDATION_PIPELINE_PROVIDER)
    private readonly pipelines?: RecommendationPipelineProvider,
  ) {
    this.pipeline = new RecommendationPipeline(data);
  }

  async recommend(
    shopperId: string,
    request: Omit<RecommendationRequest, 'profile' | 'shopperId' | 'now'>,
    context: CommandContext,
  ) {
    const profileDoc = await this.readModels.get('shopper_profiles', shopperId);
    const profile = profileDoc ? (fieldsOf(profileDoc) as ShopperProfileDocument) : null;
    const lease = this.pipelines?.acquire(this.data);
    try {
      const pipeline = lease?.pipeline ?? this.pipeline;
      const result = await this.run(() =>
        pipeline.recommend({ ...request, shopperId, profile, now: Date.now() }),
      );
      return await this.respond(result, { shopperId, context: describeContext(request.context) }, context);
    } finally {
      lease?.release();
    }
  }

  async similar(
    itemId: string,
    request: { limit: number; diversity?: number; rules?: RecommendationRequest['rules'] },
    context: CommandContext,
  ) {
    const result = await this.run(() => this.pipeline.similarItems({ ...request, itemId, now: Date.now() }));
    if (!result.anchor) return null;
    return {
      ...(await this.respond(result, { context: `product:${itemId}` }, context)),
      anchor: result.anchor,
    };
  }

  private async respond(
    result: RecommendationResult,
    about: { shopperId?: string; context: string },
    context: CommandContext,
  ) {
    const responseId = randomUUID();
    const catalog = await this.data.catalogItemsByIds(result.items.map((item) => item.itemId));
    await this.served.record(
      {
        type: 'RecommendationsServed',
        data: {
          responseId,
          ...(about.shopperId !== undefined && { shopperId: about.shopperId }),
          strategy: result.strategy,
          ...(result.modelVersion !== undefined && { modelVersion: result.modelVersion }),
          context: about.context,
          items: result.items.map((item, position) => ({ itemId: item.itemId, position, score: item.score })),
          servedAt: context.receivedAt,
        },
      },
      context,
    );
    return {
      id: responseId,
      strategy: result.strategy,
      ...(result.modelVersion !== undefined && { modelVersion: result.modelVersion }),
      context: about.context,
      items: result.items.map((item) => ({
        itemId: item.itemId,
        score: round(item.score),
        slot: item.slot,
        reasons: item.reasons,
        ...itemDisplayFields(catalog.get(item.itemId)),
      })),
      candidatesConsidered: result.candidatesConsidered,
      filteredOut: result.filteredOut,
    };
  }

  /** The pipeline's own request checks become 400s naming the query parameter. */
  private async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof InvalidRecommendationRequestError) {
        throw new RequestValidationError([{ field: `query.${error.field}`, reason: error.message }]);
      }
      throw error;
    }
  }
}


const round = (value: number) => Math.round(value * 1e6) / 1e6;
