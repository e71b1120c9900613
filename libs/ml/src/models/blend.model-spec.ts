import { stanSpec } from '../baselines/baseline-specs';
import type { ModelContext, ModelSpec, Params } from '../evaluation/recommender';
import { BLEND_DEFAULTS, type BlendParams, BlendRecommender } from './blend.recommender';
import { SeedEnsembleRecommender } from './seed-ensemble.recommender';
import { twoTowerSpec } from './two-tower';

/**
 * `two-tower-stan`: the two-tower network blended with STAN (blend.recommender.ts).
 * Part parameters are prefixed, `deep_<param>` and `knn_<param>`
 * (`--set two-tower-stan.deep_learningRate=0.003 --set two-tower-stan.knn_k=100`);
 * STAN's are not tuned here (pass the values its own grid chose).
 * `members=n` trains the deep part n times from different seeds and uses the
 * mean of their scores (seed-ensemble.recommender.ts; n times the cost).
 */
function hybridSpec(name: string, deep: ModelSpec, knn: ModelSpec): ModelSpec {
  const split = (p: Params, prefix: string): Params =>
    Object.fromEntries(
      Object.entries(p).flatMap(([k, v]) =>
        k.startsWith(prefix) ? [[k.slice(prefix.length), v]] : [],
      ),
    );
  const prefixed = (p: Params, prefix: string): Params =>
    Object.fromEntries(Object.entries(p).map(([k, v]) => [`${prefix}${k}`, v]));
  return {
    name,
    description: `${deep.name} blended with ${knn.name}: z-scored scores mixed by a weight chosen on a holdout carved from training`,
    defaults: (c: ModelContext) => ({
      holdoutSequences: BLEND_DEFAULTS.holdoutSequences,
      tuneCases: BLEND_DEFAULTS.tuneCases,
      mixing: BLEND_DEFAULTS.mixing,
      refitSecond: BLEND_DEFAULTS.refitSecond,
      furtherEpochs: BLEND_DEFAULTS.furtherEpochs,
      maxFurtherEpochs: BLEND_DEFAULTS.maxFurtherEpochs,
      members: 1,
      ...prefixed(deep.defaults(c), 'deep_'),
      ...prefixed(knn.defaults(c), 'knn_'),
    }),
    create: (p) =>
      new BlendRecommender(
        new SeedEnsembleRecommender(
          () => deep.create(split(p, 'deep_')),
          countOf('members', p.members, 1),
        ),
        knn.create(split(p, 'knn_')),
        {
          ...BLEND_DEFAULTS,
          holdoutSequences: Number(p.holdoutSequences ?? BLEND_DEFAULTS.holdoutSequences),
          tuneCases: Number(p.tuneCases ?? BLEND_DEFAULTS.tuneCases),
          mixing: mixingOf(p.mixing),
          ...(p.objective === undefined ? {} : { objective: String(p.objective) }),
          refitSecond: booleanOf('refitSecond', p.refitSecond, BLEND_DEFAULTS.refitSecond),
          furtherEpochs: furtherEpochsOf(p.furtherEpochs),
          maxFurtherEpochs: countOf(
            'maxFurtherEpochs',
            p.maxFurtherEpochs,
            BLEND_DEFAULTS.maxFurtherEpochs,
          ),
        },
      ),
  };
}

export const twoTowerStanSpec = hybridSpec('two-tower-stan', twoTowerSpec, stanSpec);

/** Blends of a deep model and a neighbourhood baseline: asked for by name only (not in `deep` or `all`). */
export const HYBRID_MODEL_SPECS: readonly ModelSpec[] = [twoTowerStanSpec];

function mixingOf(value: unknown): BlendParams['mixing'] {
  if (value === undefined) return BLEND_DEFAULTS.mixing;
  if (value === 'z' || value === 'probability') return value;
  throw new Error(`mixing: must be 'z' or 'probability', got ${String(value)}`);
}

function booleanOf(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`${name}: must be true or false, got ${String(value)}`);
}

function countOf(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`${name}: must be a whole number >= 0, got ${String(value)}`);
  }
  return n;
}

function furtherEpochsOf(value: unknown): BlendParams['furtherEpochs'] {
  if (value === 'auto') return 'auto';
  if (value === undefined || /^\d+$/.test(String(value))) {
    return countOf('furtherEpochs', value, BLEND_DEFAULTS.furtherEpochs as number);
  }
  throw new Error(`furtherEpochs: must be a whole number >= 0 or 'auto', got ${String(value)}`);
}
