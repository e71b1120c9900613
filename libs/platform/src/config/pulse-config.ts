import { z } from 'zod';

/**
 * Every setting Pulse reads from the environment, validated at boot. A bad
 * value stops start-up with a message naming the variable, so a typo in a
 * deployment fails loudly instead of running on a silent default.
 */
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalNonEmpty = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
const apiKey = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(z.string().min(16, 'must be at least 16 characters').optional())
  .optional();

export const pulseConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PULSE_DATA_DIR: z.string().min(1).default('./data'),
  /** EventStoreDB/KurrentDB connection string; unset → embedded SQLite under the data directory. */
  EVENTSTORE_URL: optionalNonEmpty.pipe(
    z
      .string()
      .regex(/^(esdb|kurrentdb|kdb)(\+discover)?:\/\//, 'must start with esdb://, kurrentdb:// or kdb://')
      .optional(),
  ),
  /** MongoDB connection string; unset → embedded SQLite under the data directory. */
  MONGODB_URI: optionalNonEmpty.pipe(
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
      .optional(),
  ),
  MONGODB_DB: z.string().min(1).default('pulse'),
  PULSE_ADMIN_KEY: apiKey,
  PULSE_INGEST_KEY: apiKey,
  PULSE_READ_KEY: apiKey,
  /** How far into the future (by our clock) an event's occurredAt may be. */
  PULSE_MAX_CLOCK_SKEW_MS: z.coerce.number().int().min(0).default(5 * 60_000),
  /** reject: events naming items the catalog doesn't know get 422; accept: stored anyway. */
  PULSE_UNKNOWN_ITEMS: z.enum(['reject', 'accept']).default('reject'),
  PULSE_BODY_LIMIT_BYTES: positiveInt(5 * 1024 * 1024),
  /** Events per POST /v1/events request. */
  PULSE_MAX_BATCH: z.coerce.number().int().min(1).max(1000).default(1000),
  /** How many aggregates (shoppers, items) the actors keep in memory at most. */
  PULSE_ACTOR_CACHE_SIZE: positiveInt(20_000),
  /** An actor idle this long is passivated (its state dropped from memory). */
  PULSE_ACTOR_IDLE_MS: positiveInt(5 * 60_000),
  /** NORMAL survives a process crash; FULL also survives power loss, at a write-speed cost. */
  PULSE_SQLITE_SYNCHRONOUS: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
  /** How long a read with `?after=<position>` waits for the read models before 504. */
  PULSE_READ_AFTER_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  /** Events a projection applies per committed batch at most. */
  PULSE_PROJECTION_BATCH: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Half life of a shopper's interest scores (categories, brands, terms, price bands). */
  PULSE_INTEREST_HALF_LIFE_HOURS: z.coerce.number().positive().default(72),
  /** Half life of item popularity and of "also viewed/bought" weights. */
  PULSE_POPULARITY_HALF_LIFE_HOURS: z.coerce.number().positive().default(168),
  /** Trending compares a short against a long half life. */
  PULSE_TRENDING_SHORT_HALF_LIFE_HOURS: z.coerce.number().positive().default(6),
  PULSE_TRENDING_LONG_HALF_LIFE_HOURS: z.coerce.number().positive().default(72),
  /** Neighbours kept per item for "also viewed" and "also bought". */
  PULSE_NEIGHBOURS: z.coerce.number().int().min(1).max(200).default(20),
  /** Which promoted model feeds recommendations: auto (the latest promoted), none, or a model name. */
  PULSE_RECOMMENDATION_MODEL: z.string().regex(/^(auto|none|[a-z][a-z0-9_-]{0,49})$/, 'must be auto, none or a model name').default('auto'),
  /** Weight of the model's signal in the personalised blend (the built-in weights sum to 1). */
  PULSE_MODEL_SIGNAL_WEIGHT: z.coerce.number().min(0).max(100).default(0.5),
  /** process: train in a child process (keeps serving responsive); inline: in this process. */
  PULSE_MODEL_TRAINING: z.enum(['process', 'inline']).default('process'),
  PULSE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  PULSE_LOG_FORMAT: z.enum(['text', 'json']).default('text'),
});

export type PulseConfig = z.infer<typeof pulseConfigSchema>;

export class InvalidConfigError extends Error {
  constructor(readonly problems: { variable: string; reason: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.reason}`).join('\n')}`,
    );
    this.name = 'InvalidConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): PulseConfig {
  const known = Object.fromEntries(
    Object.keys(pulseConfigSchema.shape).map((key) => [key, env[key]]),
  );
  const result = pulseConfigSchema.safeParse(known);
  if (!result.success) {
    throw new InvalidConfigError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(unknown)'),
        reason: `${issue.message} (got ${JSON.stringify(known[String(issue.path[0])])})`,
      })),
    );
  }
  return result.data;
}

/** Injection token for the validated PulseConfig. */
export const PULSE_CONFIG = Symbol('PULSE_CONFIG');
