import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CatalogModule } from '@pulse/catalog/catalog.module';
import type { PulseConfig } from '@pulse/platform/config/pulse-config';
import { PlatformModule } from '@pulse/platform/nest/platform.module';
import { HealthController } from '@pulse/platform/observability/health.controller';
import { MetricsController } from '@pulse/platform/observability/metrics.controller';
import { ShoppersModule } from '@pulse/shoppers/shoppers.module';
import { StreamsController } from './admin/streams.controller';

/** One process runs every role; each bounded context is its own module. */
@Module({})
export class AppModule {
  static forRoot(config: PulseConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config), CqrsModule.forRoot(), CatalogModule, ShoppersModule],
      controllers: [HealthController, MetricsController, StreamsController],
    };
  }
}
