import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PULSE_CONFIG, type PulseConfig } from '@pulse/platform/config/pulse-config';
import { afterPosition } from '@pulse/platform/http/after-position';
import { RequireRole } from '@pulse/platform/http/api-key.guard';
import { requestContext } from '@pulse/platform/http/request-context';
import { parseRequest } from '@pulse/platform/http/request-validation';
import { READ_MODELS, type ReadModels } from '@pulse/platform/projections/read-models';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SearchIndexFeeder } from '../application/search-index.feeder';
import { SearchService } from '../application/search.service';

const searchQuery = z
  .strictObject({
    q: z.string({ error: 'is required' }).max(200, 'must be at most 200 characters'),
    shopperId: z.string().min(1).max(128, 'must be at most 128 characters').optional(),
    category: z.string().trim().min(1).max(500).optional(),
    brand: z.string().trim().min(1).max(200).optional(),
    minPrice: z.coerce.number().min(0, 'must be >= 0').optional(),
    maxPrice: z.coerce.number().min(0, 'must be >= 0').optional(),
    inStock: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    limit: z.coerce.number().int().min(1, 'must be between 1 and 100').max(100, 'must be between 1 and 100').default(20),
    offset: z.coerce.number().int().min(0, 'must be >= 0').max(10_000, 'must be at most 10000').default(0),
    personalization: z.coerce.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').default(0.3),
    after: afterPosition,
  })
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
    message: 'must be >= minPrice',
    path: ['maxPrice'],
  });

@ApiTags('search')
@ApiBearerAuth()
@Controller('v1/search')
export class SearchController {
  constructor(
    private readonly search: SearchService,
    private readonly feeder: SearchIndexFeeder,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(PULSE_CONFIG) private readonly config: PulseConfig,
  ) {}

  @RequireRole('read')
  @Get()
  @ApiOperation({
    summary: 'Search the catalog, personalised for a shopper',
    description:
      'BM25 over title, brand, category and description; English and Chinese; the last word is completed as a ' +
      'prefix, and misspelt words are corrected (reasons say so). With `shopperId` the best matches are re-ranked ' +
      "by the shopper's interests (`personalization` 0..1, default 0.3): the same matches, in their order. " +
      'Facet counts (categories at every level, brands, price ranges, stock) cover every match. The response `id` ' +
      'is what interactions cite as `attribution.searchId`.',
  })
  async find(@Query() query: unknown, @Req() request: FastifyRequest) {
    const q = parseRequest(searchQuery, query, 'query');
    if (q.after !== undefined) {
      await this.readModels.catchUp(q.after, q.shopperId ? ['catalog_items', 'shopper_profiles'] : ['catalog_items']);
    }
    await this.feeder.waitFor(q.after, this.config.PULSE_READ_AFTER_TIMEOUT_MS);
    return this.search.search(
      {
        query: q.q,
        shopperId: q.shopperId,
        filters: {
          ...(q.category && { categoryKey: q.category }),
          ...(q.brand && { brand: q.brand }),
          ...(q.minPrice !== undefined && { minPrice: q.minPrice }),
          ...(q.maxPrice !== undefined && { maxPrice: q.maxPrice }),
          ...(q.inStock !== undefined && { inStock: q.inStock }),
        },
        offset: q.offset,
        limit: q.limit,
        personalWeight: q.personalization,
      },
      requestContext(request),
    );
  }
}
