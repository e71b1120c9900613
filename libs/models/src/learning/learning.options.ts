import { InvalidConfigError } from '@pulse/platform/config/pulse-config';
import { z } from 'zod';

/**
 * Settings of the learning loop, from PULSE_LEARNING_* variables. They are
 * validated the way PulseConfig is (a bad value names the variable) but kept
 * here, beside the loop, so the platform's schema does not grow a section
 * per bounded context.
 */
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const learningOptionsSchema = z.object({
  /** on: the saga feeds the trainer; off: models change only by full retrains. */
  PULSE_LEARNING: z.enum(['on', 'off']).default('on'),
  /** The registry model the loop updates (stream `model-<name>`). */
  PULSE_LEARNING_MODEL: z.string().regex(/^[a-z][a-z0-9_-]{0,49}$/, 'must match [a-z][a-z0-9_-]{0,49}').default('sasrec'),
  /** Flush the buffer once it holds this many interactions... */
  PULSE_LEARNING_FLUSH_EVENTS: positiveInt(200),
  /** ...or once its oldest interaction has waited this long. */
  PULSE_LEARNING_FLUSH_MS: positiveInt(5_000),
  /** Back-pressure bound: while training runs the buffer grows to this, then drops its oldest. */
  PULSE_LEARNING_MAX_BATCH: positiveInt(5_000),
  /** Older cases replayed per new case (against forgetting). */
  PULSE_LEARNING_REPLAY_RATIO: z.coerce.number().min(0).max(10).default(1),
  /** Rolling holdout: the most recent next-item cases an update is judged on. */
  PULSE_LEARNING_HOLDOUT: positiveInt(300),
  /** Passes over each update's examples. */
  PULSE_LEARNING_EPOCHS: positiveInt(2),
  PULSE_LEARNING_RATE: z.coerce.number().positive().max(1).default(0.001),
  /** An update is swapped in unless its holdout metric is below the serving one by more than this. */
  PULSE_LEARNING_TOLERANCE: z.coerce.number().min(0).max(1).default(0),
  /** Shoppers seen within this window count as active and get refreshed lists. */
  PULSE_LEARNING_ACTIVE_MS: positiveInt(30 * 60_000),
  /** At most this many shoppers refreshed per model update. */
  PULSE_LEARNING_MAX_REFRESH: positiveInt(500),
  /** Interest shift (Jaccard distance of top categories, 0..1) that triggers a refresh. */
  PULSE_LEARNING_SHIFT: z.coerce.number().min(0).max(1).default(0.5),
  /** Share of the process's time a refresh of many shoppers may take; it rests the rest (requests first). */
  PULSE_LEARNING_REFRESH_SHARE: z.coerce.number().gt(0, 'must be > 0').max(1).default(0.25),
  /** Full retrain period in minutes; 0: only by admin command. */
  PULSE_LEARNING_RETRAIN_MINUTES: z.coerce.number().int().min(0).default(0),
});

export type LearningEnv = z.infer<typeof learningOptionsSchema>;

export interface LearningOptions {
  readonly enabled: boolean;
  readonly model: string;
  readonly flushEvents: number;
  readonly flushMs: number;
  readonly maxBatch: number;
  readonly replayRatio: number;
  readonly holdoutCases: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly tolerance: number;
  readonly activeMs: number;
  readonly maxRefresh: number;
  readonly refreshShare: number;
  readonly shiftThreshold: number;
  readonly retrainEveryMs: number;
}

export function loadLearningOptions(env: NodeJS.ProcessEnv = process.env): LearningOptions {
  const known = Object.fromEntries(Object.keys(learningOptionsSchema.shape).map((key) => [key, env[key]]));
  const parsed = learningOptionsSchema.safeParse(known);
  if (!parsed.success) {
    throw new InvalidConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(unknown)'),
        reason: `${issue.message} (got ${JSON.stringify(known[String(issue.path[0])])})`,
      })),
    );
  }
  const e = parsed.data;
  if (e.PULSE_LEARNING_MAX_BATCH < e.PULSE_LEARNING_FLUSH_EVENTS) {
    throw new InvalidConfigError([
      {
        variable: 'PULSE_LEARNING_MAX_BATCH',
        reason: `must be at least PULSE_LEARNING_FLUSH_EVENTS (${e.PULSE_LEARNING_FLUSH_EVENTS}), got ${e.PULSE_LEARNING_MAX_BATCH}`,
      },
    ]);
  }
  return {
    enabled: e.PULSE_LEARNING === 'on',
    model: e.PULSE_LEARNING_MODEL,
    flushEvents: e.PULSE_LEARNING_FLUSH_EVENTS,
    flushMs: e.PULSE_LEARNING_FLUSH_MS,
    maxBatch: e.PULSE_LEARNING_MAX_BATCH,
    replayRatio: e.PULSE_LEARNING_REPLAY_RATIO,
    holdoutCases: e.PULSE_LEARNING_HOLDOUT,
    epochs: e.PULSE_LEARNING_EPOCHS,
    learningRate: e.PULSE_LEARNING_RATE,
    tolerance: e.PULSE_LEARNING_TOLERANCE,
    activeMs: e.PULSE_LEARNING_ACTIVE_MS,
    maxRefresh: e.PULSE_LEARNING_MAX_REFRESH,
    refreshShare: e.PULSE_LEARNING_REFRESH_SHARE,
    shiftThreshold: e.PULSE_LEARNING_SHIFT,
    retrainEveryMs: e.PULSE_LEARNING_RETRAIN_MINUTES * 60_000,
  };
}
