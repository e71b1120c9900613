export * from './softmax-loss';
export * from './sequence-trainer';
export * from './validation-holdout';
export * from './training-params';
