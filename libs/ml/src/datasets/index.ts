export * from './sequence-dataset';
export * from './line-reader';
export * from './user-sequences.loader';
export * from './session-prefix.loader';
export * from './dataset-format';
