export * from './datasets';
export * from './evaluation';
export * from './baselines';
export * from './util/random';
