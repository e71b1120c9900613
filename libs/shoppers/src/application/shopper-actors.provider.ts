import type { Provider } from '@nestjs/common';
import { AggregateActors } from '@pulse/platform/actors/aggregate-actors';
import { type Envelope, eventSourcedBinding } from '@pulse/platform/actors/event-sourced-binding';
import { PULSE_CONFIG, type PulseConfig } from '@pulse/platform/config/pulse-config';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import { EVENT_STORE, type EventStore } from '@pulse/platform/event-store/event-store.port';
import { deterministicUuid, PULSE_UUID_NAMESPACE } from '@pulse/platform/ids/deterministic-uuid';
import {
  type ShopperCommand,
  shopperDecider,
  type ShopperState,
  shopperStreamId,
} from '../domain/shopper.decider';
import { type ShopperEvent, shopperEventDefinitions } from '../domain/shopper.events';

export type ShopperActors = AggregateActors<ShopperState, Envelope<ShopperCommand>, ShopperEvent>;
export const SHOPPER_ACTORS = Symbol('SHOPPER_ACTORS');

export const shopperActorsProvider: Provider = {
  provide: SHOPPER_ACTORS,
  inject: [EVENT_STORE, EventRegistry, PULSE_CONFIG],
  useFactory: (store: EventStore, registry: EventRegistry, config: PulseConfig): ShopperActors => {
    registry.registerAll(shopperEventDefinitions);
    return new AggregateActors(
      store,
      eventSourcedBinding({
        decider: shopperDecider,
        registry,
        streamId: shopperStreamId,
        // Derived from the client's event id: a retried request yields the
        // same store id, so even a retry racing its original can't store twice.
        eventId: (_event, command) =>
          deterministicUuid(PULSE_UUID_NAMESPACE, `${command.data.shopperId}/${command.data.clientEventId}`),
        occurredAt: (_event, command) => new Date(command.data.occurredAt).toISOString(),
        clientEventId: (command) => command.data.clientEventId,
      }),
      { maxCached: config.PULSE_ACTOR_CACHE_SIZE, idleMs: config.PULSE_ACTOR_IDLE_MS },
    );
  },
};
