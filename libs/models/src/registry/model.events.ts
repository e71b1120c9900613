import type { DomainEvent } from '@pulse/platform/domain/decider';
import type { EventDefinition } from '@pulse/platform/events/event-registry';
import { z } from 'zod';

/**
 * The model registry's history: one stream per model name (`model-<name>`),
 * every version's life as events. The stream is the registry; the serving
 * holder, the admin listing and the CLI all fold it.
 */

/** Model names are stream and file-path components: keep them to a safe alphabet. */
export const MODEL_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,49}$/;
const modelName = z.string().regex(MODEL_NAME_PATTERN, 'must match [a-z][a-z0-9_-]{0,49}');
const version = z.number().int().min(1);
const instant = z.iso.datetime({ offset: true });
/** Global log positions travel as decimal strings (they are 64-bit). */
const position = z.string().regex(/^-?\d+$/, 'must be a decimal log position');

/** Validation metric a version is judged by; higher is better. */
const metric = z.object({ name: z.string().min(1).max(50), value: z.number() });

/**
 * The process that started a version and will record its outcome: a host,
 * a process id and a random id per process run (a restarted container often
 * gets the same pid). Lets a restarted service tell its own abandoned runs
 * from another process's live one.
 */
const trainerIdentity = z.object({
  host: z.string().min(1).max(255),
  pid: z.number().int().min(1),
  run: z.string().min(1).max(100),
});

/** Where a version's files are: the artifact store kind and its key. */
const artifactRef = z.object({ store: z.enum(['files', 'gridfs']), key: z.string().min(1).max(200) });

export const modelTrainingStartedSchema = z.object({
  model: modelName,
  version,
  /** The architecture or baseline trained, e.g. `sasrec`, `gru4rec`, `markov`. */
  kind: z.string().min(1).max(50),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  /** Training data is the log up to and including this position. */
  untilPosition: position,
  startedAt: instant,
  /** Who trains it (absent on events written before it was recorded). */
  trainer: trainerIdentity.optional(),
});

export const modelTrainedSchema = z.object({
  model: modelName,
  version,
  /** The metric promotion compares (e.g. `ndcg@10` on the validation split). */
  metric,
  /** Every validation metric computed, by name. */
  validation: z.record(z.string(), z.number()),
  validationCases: z.number().int().min(0),
  /** The data covered: the log up to this position. */
  dataPosition: position,
  numItems: z.number().int().min(0),
  numSequences: z.number().int().min(0),
  artifact: artifactRef,
  trainingSeconds: z.number().min(0),
  /** TensorFlow.js backend (`tensorflow`, `wasm`, `cpu`) or `none` for a baseline. */
  backend: z.string().min(1).max(30),
  trainedAt: instant,
});

export const modelPromotedSchema = z.object({
  model: modelName,
  version,
  /** The champion it replaced, if any. */
  previousVersion: version.optional(),
  /** True when an admin overrode the "not worse than the champion" rule. */
  forced: z.boolean(),
  /** Why it was allowed: the comparison, or the override. */
  reason: z.string().max(500),
  promotedAt: instant,
});

export const modelRolledBackSchema = z.object({
  model: modelName,
  /** The champion taken out of service. */
  fromVersion: version,
  /** The previous champion, serving again. */
  toVersion: version,
  rolledBackAt: instant,
});

export const modelTrainingFailedSchema = z.object({
  model: modelName,
  version,
  error: z.string().max(2000),
  failedAt: instant,
});

export type ModelTrainingStartedData = z.infer<typeof modelTrainingStartedSchema>;
export type ModelTrainedData = z.infer<typeof modelTrainedSchema>;
export type ModelPromotedData = z.infer<typeof modelPromotedSchema>;
export type ModelRolledBackData = z.infer<typeof modelRolledBackSchema>;
export type ModelTrainingFailedData = z.infer<typeof modelTrainingFailedSchema>;
export type ArtifactRef = z.infer<typeof artifactRef>;
export type TrainerIdentity = z.infer<typeof trainerIdentity>;

export type ModelEvent =
  | DomainEvent<'ModelTrainingStarted', ModelTrainingStartedData>
  | DomainEvent<'ModelTrained', ModelTrainedData>
  | DomainEvent<'ModelPromoted', ModelPromotedData>
  | DomainEvent<'ModelRolledBack', ModelRolledBackData>
  | DomainEvent<'ModelTrainingFailed', ModelTrainingFailedData>;

export const MODEL_EVENT_TYPES = [
  'ModelTrainingStarted',
  'ModelTrained',
  'ModelPromoted',
  'ModelRolledBack',
  'ModelTrainingFailed',
] as const;

export const modelEventDefinitions: EventDefinition<any>[] = [
  {
    type: 'ModelTrainingStarted',
    schemaVersion: 1,
    schema: modelTrainingStartedSchema,
    description: 'A version of a model started training on the log up to a position; the version number is reserved.',
  },
  {
    type: 'ModelTrained',
    schemaVersion: 1,
    schema: modelTrainedSchema,
    description: 'A version finished training: validation metrics, data covered, artifact, time and backend.',
  },
  {
    type: 'ModelPromoted',
    schemaVersion: 1,
    schema: modelPromotedSchema,
    description: 'A trained version became the serving champion (forced when an admin overrode the metric rule).',
  },
  {
    type: 'ModelRolledBack',
    schemaVersion: 1,
    schema: modelRolledBackSchema,
    description: 'The champion was taken out of service and the previous champion serves again.',
  },
  {
    type: 'ModelTrainingFailed',
    schemaVersion: 1,
    schema: modelTrainingFailedSchema,
    description: 'Training a version failed; the version number stays used.',
  },
];

export const MODEL_STREAM_PREFIX = 'model-';
export const modelStreamId = (name: string) => `${MODEL_STREAM_PREFIX}${name}`;

/** What responses and RecommendationsServed carry: `<name>@<version>`. */
export const modelVersionLabel = (name: string, v: number) => `${name}@${v}`;
