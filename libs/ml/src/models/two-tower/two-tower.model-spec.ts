import type { ModelContext, ModelSpec, Params } from '../../evaluation/recommender';
import { TWO_TOWER_DEFAULTS } from './two-tower.params';
import { TwoTowerRecommender } from './two-tower.recommender';

/**
 * Defaults for the harness. No grid: one fit takes minutes, so tuning is by
 * hand (--set two-tower.name=value) against the holdout / validation split.
 * Like the sequence models: a sampled softmax (4096 uniform negatives + the
 * batch's targets, logQ-corrected) above 8192 items, the full softmax below;
 * sessions get a short window, larger batches and cosine scores (Diginetica
 * holdout MRR@10 after epochs 1-3: .1733 .1781 .1807 vs .1659 .1742 .1782
 * with dot products; README.md).
 */
export function twoTowerDefaults(c: ModelContext): Params {
  const sessions = c.kind === 'sessions';
  return {
    ...TWO_TOWER_DEFAULTS,
    maxLen: sessions ? 20 : 50,
    batchSize: sessions ? 512 : 256,
    negatives: c.numItems > 8192 ? 4096 : 0,
    ...(sessions && { similarity: 'cosine' }),
  };
}

export const twoTowerSpec: ModelSpec = {
  name: 'two-tower',
  description:
    'two-tower retrieval (tfjs): shopper tower over recent items + interest, item tower over id + content, ' +
    'dot product, in-batch + sampled softmax with logQ, early stopping',
  defaults: twoTowerDefaults,
  create: (p) => new TwoTowerRecommender(p),
};
