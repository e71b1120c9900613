import { type DynamicModule, Global, Module } from '@nestjs/common';
import { REFRESH_PIPELINES } from '@pulse/recommendations/refresh/refresh-pipelines.port';
import { FullRetrainScheduler } from './full-retrain.scheduler';
import { LearningAdminController } from './learning-admin.controller';
import { LearningSaga } from './learning.saga';
import { LearningService } from './learning.service';
import { LEARNING_OPTIONS } from './learning.tokens';
import type { LearningOptions } from './learning.options';
import { LiveModelPipelines } from './live-model.pipelines';
import { UpdateModelIncrementallyHandler } from './update-model-incrementally.handler';

/**
 * The learning loop: saga, trainer, live weights, full retrains. Needs the
 * models module (artifact store, training service). Global so the refresh
 * handler finds REFRESH_PIPELINES. With PULSE_LEARNING=off the status and
 * retrain endpoints stay, the saga does not run.
 */
@Global()
@Module({})
export class LearningModule {
  static forRoot(options: LearningOptions): DynamicModule {
    return {
      module: LearningModule,
      controllers: [LearningAdminController],
      providers: [
        { provide: LEARNING_OPTIONS, useValue: options },
        LearningService,
        UpdateModelIncrementallyHandler,
        FullRetrainScheduler,
        ...(options.enabled ? [LearningSaga] : []),
        { provide: REFRESH_PIPELINES, inject: [LearningService], useFactory: (l: LearningService) => new LiveModelPipelines(l.slot) },
      ],
      exports: [LearningService, REFRESH_PIPELINES],
    };
  }
}
