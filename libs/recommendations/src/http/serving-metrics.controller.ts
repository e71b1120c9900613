import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { afterPosition } from '@pulse/platform/http/after-position';
import { RequireRole } from '@pulse/platform/http/api-key.guard';
import { parseRequest } from '@pulse/platform/http/request-validation';
import { fieldsOf } from '@pulse/platform/projections/projection';
import { READ_MODELS, type ReadModels } from '@pulse/platform/projections/read-models';
import { z } from 'zod';
import { coverage, gini } from '../metrics/exposure';
import type { ItemExposureDocument, StrategyMetricsDocument } from '../projections/serving-metrics.projection';

const ratio = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1e6) / 1e6);

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/metrics')
export class ServingMetricsController {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  @RequireRole('admin')
  @Get()
  @ApiOperation({
    summary: 'How served recommendations and searches perform, per strategy and model version',
    description:
      'Impressions (items shown), clicks, add-to-carts and purchases credited through attribution, with CTR and ' +
      'rates per impression; catalog coverage and exposure concentration (Gini over every active item, unexposed ' +
      'ones counted as zero) of what was served.',
  })
  @ApiQuery({ name: 'after', required: false, description: 'global position from a write response' })
  async metrics(@Query() query: unknown) {
    const { after } = parseRequest(z.strictObject({ after: afterPosition }), query, 'query');
    await this.readModels.catchUp(after, ['strategy_metrics', 'catalog_items']);
    const strategies = (await this.readModels.find('strategy_metrics', {}, { sort: { kind: 1, strategy: 1 } })).map(
      (doc) => fieldsOf(doc) as StrategyMetricsDocument,
    );
    const exposure = (await this.readModels.find('item_exposure', {})).map((doc) => fieldsOf(doc) as ItemExposureDocument);
    const activeItems = await this.readModels.count('catalog_items', { status: 'active' });
    const counts = exposure.map((e) => e.impressions);
    const unexposed = Math.max(0, activeItems - counts.length);
    return {
      strategies: strategies.map((s) => ({
        ...s,
        ctr: ratio(s.clicks, s.impressions),
        addToCartRate: ratio(s.addToCarts, s.impressions),
        purchaseRate: ratio(s.purchases, s.impressions),
      })),
      catalog: {
        activeItems,
        exposedItems: counts.length,
        coverage: ratio(coverage(counts.length, activeItems) * 1e6, 1e6),
        exposureGini: Math.round(gini([...counts, ...new Array<number>(unexposed).fill(0)]) * 1e6) / 1e6,
      },
    };
  }
}
