export * from './given-when-then';
export * from './projection-harness';
