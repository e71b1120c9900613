import { Controller, Get, Inject, NotFoundException, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@pulse/platform/http/api-key.guard';
import { requestContext } from '@pulse/platform/http/request-context';
import { parseRequest } from '@pulse/platform/http/request-validation';
import { READ_MODELS, type ReadModels } from '@pulse/platform/projections/read-models';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { RECOMMENDATION_READ_MODELS, RecommendationsService } from '../application/recommendations.service';
import { promotionOf, recommendationsQuery, rulesOf, similarQuery } from './recommendation.query-schema';

const id = z.string().min(1).max(128, 'must be at most 128 characters');

@ApiTags('recommendations')
@ApiBearerAuth()
@Controller('v1')
export class RecommendationsController {
  constructor(
    private readonly recommendations: RecommendationsService,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
  ) {}

  @RequireRole('read')
  @Get('shoppers/:id/recommendations')
  @ApiOperation({
    summary: 'What to show this shopper now',
    description:
      'Candidates from co-occurrence with recent items, popular and trending items in the shopper\'s top ' +
      'categories and brands, and new arrivals; blended, filtered (bought, in cart, out of stock, delisted, your ' +
      'rules), diversified (MMR, `diversity` 0..1) and explained (`reasons`). Unknown or new shoppers get ' +
      'context-aware popular and trending items (`strategy: cold_start`); `strategy=popular` gives the plain ' +
      'popularity baseline with the same filters. List parameters repeat: `?excludeBrands=a&excludeBrands=b`. ' +
      'The response `id` is what interactions cite as `attribution.recommendationId`.',
  })
  async recommend(@Param('id') shopper: string, @Query() query: unknown, @Req() request: FastifyRequest) {
    const shopperId = parseRequest(id, shopper, 'id');
    const q = parseRequest(recommendationsQuery, query, 'query');
    await this.readModels.catchUp(q.after, RECOMMENDATION_READ_MODELS);
    const context = q.context.kind === 'cart' && q.cartItemIds ? { kind: 'cart' as const, itemIds: q.cartItemIds } : q.context;
    return this.recommendations.recommend(
      shopperId,
      {
        context,
        limit: q.limit,
        strategy: q.strategy,
        diversity: q.diversity,
        explorationShare: q.exploration,
        rules: rulesOf(q),
        promotion: promotionOf(q),
      },
      requestContext(request),
    );
  }

  @RequireRole('read')
  @Get('items/:id/similar')
  @ApiOperation({
    summary: 'Items similar to this one',
    description: 'Items often viewed or bought with it, blended with popular items of its category; explained.',
  })
  async similar(@Param('id') item: string, @Query() query: unknown, @Req() request: FastifyRequest) {
    const itemId = parseRequest(id, item, 'id');
    const q = parseRequest(similarQuery, query, 'query');
    await this.readModels.catchUp(q.after, ['item_statistics', 'catalog_items']);
    const result = await this.recommendations.similar(
      itemId,
      { limit: q.limit, diversity: q.diversity, rules: rulesOf(q) },
      requestContext(request),
    );
    if (!result) throw new NotFoundException(`item '${itemId}' is not in the catalog`);
    return result;
  }
}
