export * from '../../datasets/item-features';
export * from './two-tower.features';
export * from './two-tower.batches';
export * from './two-tower.model';
export * from './two-tower.params';
export * from './two-tower.trainer';
export * from './two-tower.recommender';
export * from './two-tower.model-spec';
