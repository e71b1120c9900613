export * from './metrics';
export * from './recommender';
export * from './protocols';
export * from './harness';
export * from './grid-search';
export * from './evaluate';
export * from './anchors';
export * from './report';
