import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { DocumentFilter } from '@pulse/platform/document-store/document-store.port';
import { afterPosition } from '@pulse/platform/http/after-position';
import { RequireRole } from '@pulse/platform/http/api-key.guard';
import { parseRequest } from '@pulse/platform/http/request-validation';
import { fieldsOf } from '@pulse/platform/projections/projection';
import { READ_MODELS, type ReadModels } from '@pulse/platform/projections/read-models';
import { z } from 'zod';
import type { ItemStatisticsDocument } from '../projections/item-statistics.document';
import { popularityAt, trendingAt } from '../projections/popularity';

const listQuery = z.strictObject({
  category: z.string().trim().min(1).max(500).optional(),
  brand: z.string().trim().min(1).max(200).optional(),
  sort: z.enum(['popular', 'trending']).default('popular'),
  limit: z.coerce.number().int().min(1, 'must be between 1 and 100').max(100, 'must be between 1 and 100').default(20),
  inStock: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  after: afterPosition,
});

/** Trending is only approximately ordered by its stored snapshot: re-rank this many candidates per slot. */
const TRENDING_CANDIDATES_PER_SLOT = 5;

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('v1/items')
export class ItemListingController {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  @RequireRole('read')
  @Get()
  @ApiOperation({
    summary: 'Active items of a category and/or brand, most popular or trending first',
    description:
      '`category` is a category name at any level, or a path joined with ">" (e.g. `Shoes>Running`). Popularity ' +
      'is time-decayed interactions (views, carts, purchases, weighted); trending compares a short against a long ' +
      'half-life (1 = steady, above 1 = rising). Scores are decayed to the moment of the request.',
  })
  @ApiQuery({ name: 'category', required: false })
  @ApiQuery({ name: 'brand', required: false })
  @ApiQuery({ name: 'sort', required: false, enum: ['popular', 'trending'] })
  @ApiQuery({ name: 'limit', required: false, description: '1..100, default 20' })
  @ApiQuery({ name: 'inStock', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'after', required: false, description: 'global position from a write response' })
  async list(@Query() query: unknown) {
    const { category, brand, sort, limit, inStock, after } = parseRequest(listQuery, query, 'query');
    await this.readModels.catchUp(after, ['item_statistics', 'catalog_items']);
    const filter: Record<string, DocumentFilter[string]> = { status: 'active' };
    if (category) filter.categoryKeys = category;
    if (brand) filter.brand = brand;
    if (inStock !== undefined) filter.inStock = inStock;

    const now = Date.now();
    const candidates = await this.readModels.find('item_statistics', filter, {
      sort: sort === 'popular' ? { popularityRank: -1 } : { trending: -1 },
      limit: sort === 'popular' ? limit : limit * TRENDING_CANDIDATES_PER_SLOT,
    });
    const stats = candidates.map((doc) => fieldsOf(doc) as ItemStatisticsDocument);
    const scored = stats
      .map((doc) => ({ doc, popularity: popularityAt(doc, now), trending: trendingAt(doc, now) }))
      .sort((a, b) => (sort === 'popular' ? b.popularity - a.popularity : b.trending - a.trending))
      .slice(0, limit);
    const items = await this.readModels.getMany(
      'catalog_items',
      scored.map((s) => s.doc.itemId),
    );
    return {
      items: scored.flatMap(({ doc, popularity, trending }) => {
        const item = items.get(doc.itemId);
        if (!item) return []; // statistics can run ahead of the catalog projection for a moment
        return [
          {
            itemId: doc.itemId,
            title: item.title,
            categoryPath: item.categoryPath,
            brand: item.brand,
            price: item.price,
            currency: item.currency,
            inStock: item.inStock,
            popularity: round(popularity),
            trending: round(trending),
            views: doc.views,
            viewToCartRate: round(doc.viewToCartRate),
            viewToPurchaseRate: round(doc.viewToPurchaseRate),
          },
        ];
      }),
    };
  }
}

const round = (value: number) => Math.round(value * 1e4) / 1e4;
