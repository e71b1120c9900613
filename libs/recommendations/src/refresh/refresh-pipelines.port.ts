import type { RecommendationPipelineProvider } from '../application/recommendations.service';

/**
 * Which pipeline recomputes refreshed lists: the learning loop provides one
 * wired to its live (incrementally updated) model; without it, lists come
 * from the plain pipeline.
 */
export const REFRESH_PIPELINES = Symbol('REFRESH_PIPELINES');
export type RefreshPipelines = RecommendationPipelineProvider & {
  /** The label of the model the next acquired pipeline scores with, if any. */
  modelLabel(): string | undefined;
};
