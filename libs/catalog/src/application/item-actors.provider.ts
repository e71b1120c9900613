import { randomUUID } from 'node:crypto';
import type { Provider } from '@nestjs/common';
import { AggregateActors } from '@pulse/platform/actors/aggregate-actors';
import { type Envelope, eventSourcedBinding } from '@pulse/platform/actors/event-sourced-binding';
import { PULSE_CONFIG, type PulseConfig } from '@pulse/platform/config/pulse-config';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import { EVENT_STORE, type EventStore } from '@pulse/platform/event-store/event-store.port';
import { type ItemCommand, itemDecider, type ItemState, itemStreamId } from '../domain/item.decider';
import { type ItemEvent, itemEventDefinitions } from '../domain/item.events';

export type ItemActors = AggregateActors<ItemState, Envelope<ItemCommand>, ItemEvent>;
export const ITEM_ACTORS = Symbol('ITEM_ACTORS');

export const itemActorsProvider: Provider = {
  provide: ITEM_ACTORS,
  inject: [EVENT_STORE, EventRegistry, PULSE_CONFIG],
  useFactory: (store: EventStore, registry: EventRegistry, config: PulseConfig): ItemActors => {
    registry.registerAll(itemEventDefinitions);
    return new AggregateActors(
      store,
      eventSourcedBinding({
        decider: itemDecider,
        registry,
        streamId: itemStreamId,
        // Catalog writes come from the shop's back office, not from retrying
        // clients; the store adapter reuses these ids on its own retries.
        eventId: () => randomUUID(),
      }),
      { maxCached: config.PULSE_ACTOR_CACHE_SIZE, idleMs: config.PULSE_ACTOR_IDLE_MS },
    );
  },
};
