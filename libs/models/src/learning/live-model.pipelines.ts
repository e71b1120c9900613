import type { RecommendationData } from '@pulse/recommendations/pipeline/recommendation-data.port';
import { RecommendationPipeline } from '@pulse/recommendations/pipeline/recommendation-pipeline';
import type { RefreshPipelines } from '@pulse/recommendations/refresh/refresh-pipelines.port';
import { modelPipelineOptions } from '../serving/model-recommendations';
import type { ServableModel } from '../serving/servable-model';
import type { LiveModelSlot } from './live-model.slot';

/** Weight of the model signal in refreshed lists (as the serving pipeline's default). */
const MODEL_WEIGHT = 1;

/**
 * Pipelines wired to the learning loop's live weights, for refreshed lists:
 * built once per swapped-in instance. The slot disposes a replaced instance
 * only after a grace period, far longer than one refresh.
 */
export class LiveModelPipelines implements RefreshPipelines {
  private readonly built = new WeakMap<ServableModel, RecommendationPipeline>();

  constructor(private readonly slot: LiveModelSlot) {}

  acquire(data: RecommendationData) {
    const live = this.slot.current;
    if (!live) return undefined;
    let pipeline = this.built.get(live.servable);
    if (!pipeline) {
      pipeline = new RecommendationPipeline(data, modelPipelineOptions(live.servable, MODEL_WEIGHT));
      this.built.set(live.servable, pipeline);
    }
    return { pipeline, release: () => undefined };
  }

  modelLabel(): string | undefined {
    return this.slot.label();
  }
}
