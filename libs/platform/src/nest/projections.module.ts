import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Global,
  Inject,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { PULSE_CONFIG, type PulseConfig } from '../config/pulse-config';
import { DOCUMENT_STORE, type DocumentStore } from '../document-store/document-store.port';
import { EventRegistry } from '../events/event-registry';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import type { Projection } from '../projections/projection';
import { ProjectionManager } from '../projections/projection-manager';
import { ProjectionsAdminController } from '../projections/projections-admin.controller';
import { PROJECTION_MANAGER, READ_MODELS, ReadModels } from '../projections/read-models';

export type ProjectionsFactory = (config: PulseConfig) => Projection[];

/**
 * The read side: runs every projection from the log into the document store
 * and gives request handlers `ReadModels`. Projections come from the bounded
 * contexts; the app module lists them.
 */
@Global()
@Module({})
export class ProjectionsModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(PROJECTION_MANAGER) private readonly manager: ProjectionManager) {}

  static forRoot(projections: ProjectionsFactory): DynamicModule {
    return {
      module: ProjectionsModule,
      controllers: [ProjectionsAdminController],
      providers: [
        {
          provide: PROJECTION_MANAGER,
          inject: [PULSE_CONFIG, EVENT_STORE, DOCUMENT_STORE, EventRegistry],
          useFactory: (config: PulseConfig, events: EventStore, docs: DocumentStore, registry: EventRegistry) =>
            new ProjectionManager(projections(config), events, docs, registry, {
              maxBatch: config.PULSE_PROJECTION_BATCH,
            }),
        },
        {
          provide: READ_MODELS,
          inject: [PROJECTION_MANAGER, DOCUMENT_STORE, PULSE_CONFIG],
          useFactory: (manager: ProjectionManager, docs: DocumentStore, config: PulseConfig) =>
            new ReadModels(manager, docs, config.PULSE_READ_AFTER_TIMEOUT_MS),
        },
      ],
      exports: [PROJECTION_MANAGER, READ_MODELS],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.manager.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.manager.stop();
  }
}
