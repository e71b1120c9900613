import type { EventDefinition } from '@pulse/platform/events/event-registry';
import { z } from 'zod';

/**
 * An integration event for internal services: a shopper's recommendation
 * list was recomputed without being asked (after a model update, or because
 * their interests moved), in the shopper's own `recommendations-<shopperId>`
 * stream. Subscribe to the stream category in EventStoreDB, or to
 * GET /v1/stream/recommendations (server-sent events).
 */
export const RECOMMENDATIONS_STREAM_PREFIX = 'recommendations-';
export const recommendationsStreamId = (shopperId: string) => `${RECOMMENDATIONS_STREAM_PREFIX}${shopperId}`;

export const REFRESH_TRIGGERS = ['model_update', 'interest_shift', 'request'] as const;
export type RefreshTrigger = (typeof REFRESH_TRIGGERS)[number];

export const recommendationsRefreshedSchema = z.object({
  shopperId: z.string().min(1).max(128),
  /** Unique per list; a service that shows it may cite it as `attribution.recommendationId`. */
  listId: z.uuid(),
  trigger: z.enum(REFRESH_TRIGGERS),
  /** `personalized`, `cold_start`, ...: as GET /v1/shoppers/:id/recommendations reports it. */
  strategy: z.string().min(1).max(50),
  /** `<model>@<version>` or `<model>@<version>+<increment>` when a model scored the list. */
  modelVersion: z.string().max(100).optional(),
  items: z
    .array(z.object({ itemId: z.string().min(1).max(128), position: z.number().int().min(0), score: z.number() }))
    .max(100),
  /** The shopper's strongest categories when the list was made (what an interest shift is measured against). */
  topCategories: z.array(z.string().max(500)).max(20),
  /** Log position of what caused the refresh (the model update's last event, or the shopper's latest). */
  causedByPosition: z.string().regex(/^-?\d+$/).optional(),
  refreshedAt: z.iso.datetime({ offset: true }),
});

export type RecommendationsRefreshedData = z.infer<typeof recommendationsRefreshedSchema>;

export const recommendationsRefreshedEvent: EventDefinition<RecommendationsRefreshedData> = {
  type: 'RecommendationsRefreshed',
  schemaVersion: 1,
  schema: recommendationsRefreshedSchema,
  description:
    "A shopper's recommendation list was recomputed after a model update or an interest shift; for services that push it to the shopper.",
};
