import type { EventDefinition } from '@pulse/platform/events/event-registry';
import { z } from 'zod';
import type { ArtifactRef } from '../registry/model.events';

/**
 * One incremental update of a serving model by the learning loop, in the
 * model's registry stream (`model-<name>`): what it covered, how it did, and
 * whether its weights now serve. Recorded whether or not it was swapped in,
 * so the reason a model stopped following the traffic is in the log.
 */
const position = z.string().regex(/^-?\d+$/, 'must be a decimal log position');
const metric = z.object({ name: z.string().min(1).max(50), value: z.number() });
/** As the registry's ArtifactRef (ModelTrained.artifact); typed against it so the two cannot drift apart. */
const artifactRef: z.ZodType<ArtifactRef> = z.object({ store: z.enum(['files', 'gridfs']), key: z.string().min(1).max(200) });

export const modelIncrementallyUpdatedSchema = z.object({
  model: z.string().regex(/^[a-z][a-z0-9_-]{0,49}$/),
  /** The registry version (champion) the update continued from. */
  version: z.number().int().min(1),
  /** 1, 2, 3, ... per champion: counts attempts, swapped or not. */
  increment: z.number().int().min(1),
  /** Log positions of the first and last interaction the update covered. */
  fromPosition: position,
  toPosition: position,
  /** Interactions in the batch, and those dropped by the back-pressure bound before it. */
  events: z.number().int().min(0),
  dropped: z.number().int().min(0),
  /** Next-item examples trained on: new ones and replayed older ones. */
  examples: z.number().int().min(0),
  replayed: z.number().int().min(0),
  /** Mean training loss over the update's gradient steps. */
  loss: z.number(),
  /** Holdout metric of the updated weights and of the serving ones, on the same recent cases. */
  metric,
  servingMetric: metric,
  /** HR@10 of the updated weights on the holdout. */
  hitRate: z.number().min(0).max(1),
  holdoutCases: z.number().int().min(0),
  /** True when the updated weights now serve. */
  swapped: z.boolean(),
  /**
   * Where the swapped-in weights are stored (key `<model>/<version>+<increment>`), so a restart
   * continues from them. Stored before this event is written; absent when not swapped, and on
   * events written before updates were stored.
   */
  artifact: artifactRef.optional(),
  reason: z.string().max(500),
  trainingMs: z.number().min(0),
  updatedAt: z.iso.datetime({ offset: true }),
});

export type ModelIncrementallyUpdatedData = z.infer<typeof modelIncrementallyUpdatedSchema>;

export const modelIncrementallyUpdatedEvent: EventDefinition<ModelIncrementallyUpdatedData> = {
  type: 'ModelIncrementallyUpdated',
  schemaVersion: 1,
  schema: modelIncrementallyUpdatedSchema,
  description:
    'The learning loop trained the serving model on new interactions (plus a replay sample) and swapped the weights in, or kept the old ones and says why.',
};
