import type { EventDefinition } from '@pulse/platform/events/event-registry';
import type { DomainEvent } from '@pulse/platform/domain/decider';
import { z } from 'zod';

/**
 * What Pulse showed: one event per recommendation or search response, in its
 * own stream (`recommendation-<responseId>`, `search-<responseId>`). Later
 * interactions that carry the response id in their attribution are credited
 * to it, which is how strategies (and model versions) are compared.
 */
const servedItem = z.object({
  itemId: z.string().min(1),
  /** 0-based slot in the response. */
  position: z.number().int().min(0),
  score: z.number(),
});

const served = {
  responseId: z.string().uuid(),
  shopperId: z.string().min(1).optional(),
  /** Which pipeline produced the list, e.g. personalized, cold_start, popular, search. */
  strategy: z.string().min(1).max(100),
  /** Model version when a model took part (models issue). */
  modelVersion: z.string().max(100).optional(),
  items: z.array(servedItem).max(1000),
  servedAt: z.iso.datetime({ offset: true }),
};

export const recommendationsServedSchema = z.object({
  ...served,
  /** `home`, `cart` or `product:<id>`. */
  context: z.string().min(1).max(300),
});
export type RecommendationsServedData = z.infer<typeof recommendationsServedSchema>;

export const searchResultsServedSchema = z.object({
  ...served,
  query: z.string().max(500),
  total: z.number().int().min(0),
});
export type SearchResultsServedData = z.infer<typeof searchResultsServedSchema>;

export type RecommendationsServed = DomainEvent<'RecommendationsServed', RecommendationsServedData>;
export type SearchResultsServed = DomainEvent<'SearchResultsServed', SearchResultsServedData>;
export type ServedEvent = RecommendationsServed | SearchResultsServed;

export const servedEventDefinitions: EventDefinition<any>[] = [
  {
    type: 'RecommendationsServed',
    schemaVersion: 1,
    schema: recommendationsServedSchema,
    description: 'A recommendation response: the items shown, in order, with the strategy that chose them.',
  },
  {
    type: 'SearchResultsServed',
    schemaVersion: 1,
    schema: searchResultsServedSchema,
    description: 'A search response: the query and the items shown on the returned page, in order.',
  },
];

export const recommendationStreamId = (responseId: string) => `recommendation-${responseId}`;
export const searchStreamId = (responseId: string) => `search-${responseId}`;
