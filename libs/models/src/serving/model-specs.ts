import { BASELINE_SPECS } from '@pulse/ml/baselines';
import type { ModelSpec } from '@pulse/ml/evaluation/recommender';
import { DEEP_MODEL_SPECS } from '@pulse/ml/models';

/** Every architecture the registry can train: the deep models, then the baselines. */
export function trainableSpecs(): readonly ModelSpec[] {
  return [...DEEP_MODEL_SPECS, ...BASELINE_SPECS];
}

export function findTrainableSpec(kind: string): ModelSpec | undefined {
  return trainableSpecs().find((spec) => spec.name === kind.toLowerCase());
}
