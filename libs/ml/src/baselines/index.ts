export * from './popularity.recommender';
export * from './markov.recommender';
export * from './item-knn.recommender';
export * from './session-knn.recommender';
export * from './ease.recommender';
export * from './spd-inverse';
export * from './item-index';
export * from './baseline-specs';
