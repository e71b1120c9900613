import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { EventBus, type IEvent } from '@nestjs/cqrs';
import { EventRegistry } from '../events/event-registry';
import { EVENT_STORE, type EventStore, type EventSubscription } from '../event-store/event-store.port';
import type { ProjectedEvent } from '../projections/projection';

/** A committed event, as published on the in-process event bus. */
export class EventCommitted implements IEvent {
  constructor(readonly event: ProjectedEvent) {}
}

/**
 * Feeds Nest's in-process EventBus from the store's subscription, never from
 * command handlers: event handlers and sagas thus see exactly what was
 * committed, in commit order. It starts at the log head (sagas react to new
 * events; anything that must survive restarts keeps its own checkpoint).
 */
@Injectable()
export class EventBusRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventBusRelay');
  private subscription?: EventSubscription;
  private loop?: Promise<void>;
  private stopping = false;
  private delivered?: bigint;

  constructor(
    private readonly bus: EventBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const head = await this.store.headPosition();
    this.delivered = head < 0n ? undefined : head;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.subscription?.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoffMs = 200;
    while (!this.stopping) {
      try {
        this.subscription = this.store.subscribeToAll(this.delivered === undefined ? {} : { after: this.delivered });
        for await (const recorded of this.subscription) {
          this.delivered = recorded.position;
          if (!this.registry.has(recorded.type)) continue;
          const version = Number(recorded.metadata.schemaVersion ?? 1);
          this.bus.publish(
            new EventCommitted({
              ...recorded,
              data: this.registry.decode(recorded.type, recorded.data, version) as Record<string, unknown>,
            }),
          );
          backoffMs = 200;
        }
        return;
      } catch (error) {
        if (this.stopping) return;
        this.logger.warn(`subscription lost (${(error as Error).message}); resubscribing in ${backoffMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 10_000);
      }
    }
  }
}
