import { randomUUID } from 'node:crypto';
import { Global, Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PULSE_CONFIG, type PulseConfig } from '@pulse/platform/config/pulse-config';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import { EVENT_STORE, type EventStore } from '@pulse/platform/event-store/event-store.port';
import { RECOMMENDATION_PIPELINE_PROVIDER } from '@pulse/recommendations/application/recommendations.service';
import { SEARCH_MODEL_SCORER } from '@pulse/recommendations/search/search-model.port';
import { ModelSearchScorer } from './serving/model-search-scorer';
import { ModelsAdminController } from './http/models-admin.controller';
import { describeArtifactStore, openModelArtifactStore } from './registry/model-artifact-store.factory';
import { MODEL_ARTIFACT_STORE, type ModelArtifactStore } from './registry/model-artifact-store.port';
import { ModelRegistry } from './registry/model-registry';
import { ModelPipelines } from './serving/model-pipelines';
import { ServingModels } from './serving/serving-models';
import { ModelTrainingService } from './training/model-training.service';
import { InlineTrainingRunner, ProcessTrainingRunner, type TrainingRunner, trainingEnv } from './training/training-runner';

const TRAINING_RUNNER = Symbol('TRAINING_RUNNER');
const logger = new Logger('Models');

/**
 * The model registry, training and serving. Global so the recommendation
 * service finds RECOMMENDATION_PIPELINE_PROVIDER (it injects it optionally:
 * without this module it serves without models).
 */
@Global()
@Module({
  controllers: [ModelsAdminController],
  providers: [
    {
      provide: MODEL_ARTIFACT_STORE,
      inject: [PULSE_CONFIG],
      useFactory: async (config: PulseConfig) => {
        logger.log(`model artifacts: ${describeArtifactStore(config)}`);
        return openModelArtifactStore(config);
      },
    },
    {
      provide: ModelRegistry,
      inject: [EVENT_STORE, EventRegistry],
      useFactory: (store: EventStore, registry: EventRegistry) => new ModelRegistry(store, registry),
    },
    {
      provide: ServingModels,
      inject: [EVENT_STORE, ModelRegistry, MODEL_ARTIFACT_STORE],
      useFactory: (store: EventStore, registry: ModelRegistry, artifacts: ModelArtifactStore) =>
        new ServingModels(store, registry, artifacts, (level, message) => logger[level](message)),
    },
    {
      provide: TRAINING_RUNNER,
      inject: [PULSE_CONFIG, EVENT_STORE, MODEL_ARTIFACT_STORE],
      useFactory: (config: PulseConfig, store: EventStore, artifacts: ModelArtifactStore): TrainingRunner =>
        config.PULSE_MODEL_TRAINING === 'inline' ? new InlineTrainingRunner(store, artifacts) : new ProcessTrainingRunner(trainingEnv(config)),
    },
    {
      provide: ModelTrainingService,
      inject: [ModelRegistry, EVENT_STORE, TRAINING_RUNNER],
      useFactory: (registry: ModelRegistry, store: EventStore, runner: TrainingRunner) =>
        new ModelTrainingService(registry, store, runner, (message) => logger.log(message)),
    },
    {
      provide: SEARCH_MODEL_SCORER,
      inject: [ServingModels, PULSE_CONFIG],
      useFactory: (serving: ServingModels, config: PulseConfig) => new ModelSearchScorer(serving, config.PULSE_RECOMMENDATION_MODEL),
    },
    {
      provide: RECOMMENDATION_PIPELINE_PROVIDER,
      inject: [ServingModels, PULSE_CONFIG],
      useFactory: (serving: ServingModels, config: PulseConfig) =>
        new ModelPipelines(serving, config.PULSE_RECOMMENDATION_MODEL, config.PULSE_MODEL_SIGNAL_WEIGHT),
    },
  ],
  exports: [RECOMMENDATION_PIPELINE_PROVIDER, SEARCH_MODEL_SCORER, MODEL_ARTIFACT_STORE, ModelRegistry, ServingModels, ModelTrainingService],
})
export class ModelsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly serving: ServingModels,
    @Inject(TRAINING_RUNNER) private readonly runner: TrainingRunner,
    @Inject(MODEL_ARTIFACT_STORE) private readonly artifacts: ModelArtifactStore,
    private readonly training: ModelTrainingService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.serving.start();
    // A crash or restart mid-training leaves versions 'training'; record them as failed so they block nothing.
    const id = randomUUID();
    await this.training
      .recoverAbandoned({ correlationId: id, causationId: 'startup:abandoned-training', receivedAt: new Date().toISOString() })
      .then((recovered) => recovered.length > 0 && logger.warn(`recorded abandoned training as failed: ${recovered.join(', ')}`))
      .catch((error: unknown) => logger.error(`could not check for abandoned training: ${(error as Error).message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.runner instanceof ProcessTrainingRunner) this.runner.stop();
    await this.serving.stop();
    await this.artifacts.close();
  }
}
