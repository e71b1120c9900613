import type { ModelSpec } from '../evaluation/recommender';
import { gru4recSpec, sasrecSpec } from './model-specs';

export * from './sequence-encoder';
export * from './sasrec.model';
export * from './gru4rec.model';
export * from './sequence-features';
export * from './sequence.recommender';
export * from './model-specs';

/** The deep models, in report order (the evaluate command adds these to the baselines). */
export const DEEP_MODEL_SPECS: readonly ModelSpec[] = [sasrecSpec, gru4recSpec];

export function findDeepModelSpec(name: string): ModelSpec | undefined {
  return DEEP_MODEL_SPECS.find((s) => s.name === name.toLowerCase());
}
