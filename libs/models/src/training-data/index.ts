export * from './training-set.types';
export * from './training-set.options';
export * from './training-set.accumulator';
export * from './training-set.builder';
export * from './training-set.export';
export { cutOffs } from './training-set.finish';
