import type { RecommendationPipelineProvider } from '@pulse/recommendations/application/recommendations.service';
import type { RecommendationData } from '@pulse/recommendations/pipeline/recommendation-data.port';
import { RecommendationPipeline } from '@pulse/recommendations/pipeline/recommendation-pipeline';
import { modelPipelineOptions } from './model-recommendations';
import type { ServableModel } from './servable-model';
import type { ModelLease, ServingModels } from './serving-models';

/** Which model serves recommendations by default: `auto` = the latest promoted; `none` = no model. */
export type DefaultModelChoice = 'auto' | 'none' | (string & {});

/**
 * Gives the recommendation service, per request, a pipeline wired to the
 * serving model (built once per loaded version), leasing the model for the
 * request so a swap in the middle cannot dispose it. The version the
 * response reports is the one the pipeline was built with, so it is exactly
 * the version that scored the request.
 */
export class ModelPipelines implements RecommendationPipelineProvider {
  private readonly built = new WeakMap<ServableModel, RecommendationPipeline>();

  constructor(
    private readonly serving: ServingModels,
    private readonly choice: DefaultModelChoice,
    private readonly weight: number,
  ) {}

  acquire(data: RecommendationData): { pipeline: RecommendationPipeline; release(): void } | undefined {
    const lease = this.lease();
    if (!lease) return undefined;
    let pipeline = this.built.get(lease.model);
    if (!pipeline) {
      pipeline = new RecommendationPipeline(data, modelPipelineOptions(lease.model, this.weight));
      this.built.set(lease.model, pipeline);
    }
    return { pipeline, release: lease.release };
  }

  private lease(): ModelLease | undefined {
    return leaseDefaultModel(this.serving, this.choice);
  }
}

/** The model that serves by default (PULSE_RECOMMENDATION_MODEL), leased; undefined when none. */
export function leaseDefaultModel(serving: ServingModels, choice: DefaultModelChoice): ModelLease | undefined {
  if (choice === 'none') return undefined;
  if (choice === 'auto') return serving.acquireLatest();
  return serving.acquire(choice);
}
