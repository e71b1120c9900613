import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@pulse/platform/http/api-key.guard';
import { FullRetrainScheduler } from './full-retrain.scheduler';
import { LearningService, type LearningStatus } from './learning.service';

/** The learning loop beside the projections: lag in events and ms, state, last update; full retrain on demand. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/learning')
export class LearningAdminController {
  constructor(
    private readonly learning: LearningService,
    private readonly retrains: FullRetrainScheduler,
  ) {}

  @RequireRole('admin')
  @Get()
  @ApiOperation({
    summary: "The learning loop: serving weights, state, lag (events, ms) like a projection's, updates by outcome, the last update",
  })
  list(): { trainers: LearningStatus[] } {
    return { trainers: [this.learning.status()] };
  }

  @RequireRole('admin')
  @Post('retrain')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Full retrain of the learning model now (champion/challenger: promoted only if not worse)',
  })
  async retrain() {
    const started = await this.retrains.retrain('admin');
    return { model: started.model, version: started.version, kind: started.kind, untilPosition: started.untilPosition };
  }
}
