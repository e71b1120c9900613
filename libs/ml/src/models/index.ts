import type { ModelSpec } from '../evaluation/recommender';
import { caserSpec } from './caser.model-spec';
import { gru4recSpec, sasrecSpec } from './model-specs';
import { multVaeSpec } from './mult-vae.spec-def';
import { twoTowerSpec } from './two-tower';

export * from './sequence-encoder';
export * from './sasrec.model';
export * from './gru4rec.model';
export * from './sequence-features';
export * from './sequence.recommender';
export * from './model-specs';
export * from './caser.model';
export * from './caser.recommender';
export * from './caser.model-spec';
export * from './mult-vae.model';
export * from './mult-vae.params';
export * from './mult-vae.recommender';
export * from './mult-vae.spec-def';
export * from './two-tower';
export * from './blend.recommender';
export * from './blend.model-spec';

/** The deep models, in report order (the evaluate command adds these to the baselines). */
export const DEEP_MODEL_SPECS: readonly ModelSpec[] = [
  sasrecSpec,
  gru4recSpec,
  caserSpec,
  multVaeSpec,
  twoTowerSpec,
];

export function findDeepModelSpec(name: string): ModelSpec | undefined {
  return DEEP_MODEL_SPECS.find((s) => s.name === name.toLowerCase());
}
