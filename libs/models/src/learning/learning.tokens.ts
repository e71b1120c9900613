/** Injection token for the validated LearningOptions. */
export const LEARNING_OPTIONS = Symbol('LEARNING_OPTIONS');
