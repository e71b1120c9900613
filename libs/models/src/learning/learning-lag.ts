import type { Interaction } from './interaction';

/**
 * How far the trainer is behind the log, like a projection's lag: the
 * interactions committed but not yet covered by a finished update (buffered
 * or in training), and the age of the oldest of them.
 */
export interface LearningLag {
  readonly lagEvents: number;
  readonly lagMs: number;
}

export function learningLag(
  buffered: readonly Interaction[],
  inTraining: readonly Interaction[],
  nowMs: number,
): LearningLag {
  const oldest = inTraining[0] ?? buffered[0];
  return {
    lagEvents: buffered.length + inTraining.length,
    lagMs: oldest ? Math.max(0, nowMs - oldest.recordedAtMs) : 0,
  };
}
