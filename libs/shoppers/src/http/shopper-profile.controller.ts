import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { afterPosition } from '@pulse/platform/http/after-position';
import { RequireRole } from '@pulse/platform/http/api-key.guard';
import { parseRequest } from '@pulse/platform/http/request-validation';
import { READ_MODELS, type ReadModels } from '@pulse/platform/projections/read-models';
import { z } from 'zod';
import { fieldsOf } from '@pulse/platform/projections/projection';
import type { ShopperProfileDocument } from '../projections/shopper-profile.document';
import { shopperProfileView } from './shopper-profile.view';

const shopperId = z.string().min(1).max(128, 'must be at most 128 characters');
const profileQuery = z.strictObject({
  after: afterPosition,
  top: z.coerce.number().int().min(1).max(100).default(20),
});

@ApiTags('shoppers')
@ApiBearerAuth()
@Controller('v1/shoppers')
export class ShopperProfileController {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  @RequireRole('read')
  @Get(':id/profile')
  @ApiOperation({
    summary: "A shopper's interest state",
    description:
      'Time-decayed affinities (categories at every level, brands, search terms, price bands) decayed to now, ' +
      'recentInteractions newest first, cart, purchases, current session, counts. Pass `after` (a position from a ' +
      'write) to wait until the profile includes that write (504 after the configured bound).',
  })
  @ApiQuery({ name: 'after', required: false, description: 'global position from a write response' })
  @ApiQuery({ name: 'top', required: false, description: 'affinities per kind, 1..100 (default 20)' })
  async profile(@Param('id') id: string, @Query() query: unknown) {
    const shopper = parseRequest(shopperId, id, 'id');
    const { after, top } = parseRequest(profileQuery, query, 'query');
    await this.readModels.catchUp(after, ['shopper_profiles']);
    const doc = await this.readModels.get('shopper_profiles', shopper);
    if (!doc) throw new NotFoundException(`shopper '${shopper}' has no recorded interactions`);
    return shopperProfileView(fieldsOf(doc) as ShopperProfileDocument, Date.now(), top);
  }
}
