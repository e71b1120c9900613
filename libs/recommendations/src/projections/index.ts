export * from './item-statistics.projection';
export * from './item-statistics.document';
export * from './item-statistics.options';
export * from './session-window';
export { trendingScore, smoothedRate, popularityAt, trendingAt } from './popularity';
