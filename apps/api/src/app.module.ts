import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CatalogModule } from '@pulse/catalog/catalog.module';
import type { PulseConfig } from '@pulse/platform/config/pulse-config';
import { EventBusRelay } from '@pulse/platform/nest/event-bus-relay';
import { PlatformModule } from '@pulse/platform/nest/platform.module';
import { ProjectionsModule, type ProjectionsFactory } from '@pulse/platform/nest/projections.module';
import { HealthController } from '@pulse/platform/observability/health.controller';
import { MetricsController } from '@pulse/platform/observability/metrics.controller';
import { ModelsModule } from '@pulse/models/models.module';
import { LearningModule } from '@pulse/models/learning/learning.module';
import { loadLearningOptions } from '@pulse/models/learning/learning.options';
import { RefreshModule } from '@pulse/recommendations/refresh/refresh.module';
import { RecommendationsModule } from '@pulse/recommendations/recommendations.module';
import { ShoppersModule } from '@pulse/shoppers/shoppers.module';
import { StreamsController } from './admin/streams.controller';
import { pulseProjections } from './projections';

/** One process runs every role; each bounded context is its own module. */
@Module({})
export class AppModule {
  /** `projections` replaces the standard set (tests use it to add a failing one). */
  static forRoot(config: PulseConfig, projections: ProjectionsFactory = pulseProjections): DynamicModule {
    // PULSE_LEARNING_* are validated here, beside the loop's own module (see learning.options.ts).
    const learning = loadLearningOptions();
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config),
        CqrsModule.forRoot(),
        ProjectionsModule.forRoot(projections),
        CatalogModule,
        ShoppersModule,
        RecommendationsModule,
        ModelsModule,
        LearningModule.forRoot(learning),
        RefreshModule.forRoot({
          shiftThreshold: learning.shiftThreshold,
          interestShifts: learning.enabled,
          refreshShare: learning.refreshShare,
        }),
      ],
      controllers: [HealthController, MetricsController, StreamsController],
      providers: [EventBusRelay],
    };
  }
}
