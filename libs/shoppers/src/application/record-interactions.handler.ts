import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CatalogLookup } from '@pulse/catalog/application/catalog-lookup.service';
import { PULSE_CONFIG, type PulseConfig } from '@pulse/platform/config/pulse-config';
import { DomainRuleViolation } from '@pulse/platform/domain/domain-rule-violation';
import { EVENT_STORE, type EventStore } from '@pulse/platform/event-store/event-store.port';
import { PulseMetrics } from '@pulse/platform/observability/metrics';
import type { RecordInteraction } from '../domain/shopper.decider';
import type { EventResult, InteractionWireEvent } from '../http/interaction.wire-schema';
import {
  RecordInteractionsCommand,
  type RecordInteractionsResult,
} from './record-interactions.command';
import { SHOPPER_ACTORS, type ShopperActors } from './shopper-actors.provider';

/**
 * Records a batch of interactions: one catalog look-up for the whole batch,
 * then each interaction to its shopper's actor. Interactions are posted in
 * request order without awaiting in between, so events of one shopper are
 * stored in the order the shop sent them, while different shoppers proceed in
 * parallel.
 */
@CommandHandler(RecordInteractionsCommand)
export class RecordInteractionsHandler
  implements ICommandHandler<RecordInteractionsCommand, RecordInteractionsResult>
{
  constructor(
    @Inject(SHOPPER_ACTORS) private readonly shoppers: ShopperActors,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PULSE_CONFIG) private readonly config: PulseConfig,
    private readonly catalog: CatalogLookup,
    private readonly metrics: PulseMetrics,
  ) {}

  async execute({ interactions, context }: RecordInteractionsCommand): Promise<RecordInteractionsResult> {
    const rejectUnknownItems = this.config.PULSE_UNKNOWN_ITEMS === 'reject';
    const unknown = new Set(
      rejectUnknownItems ? await this.catalog.unknownItemIds(interactions.flatMap(itemIdsOf)) : [],
    );
    const outcomes = await Promise.allSettled(
      interactions.map((interaction) =>
        this.shoppers.execute(interaction.shopperId, {
          command: this.toCommand(interaction, context.receivedAt, unknown, rejectUnknownItems),
          context,
        }),
      ),
    );

    let position: bigint | undefined;
    const results = outcomes.map((outcome, i): EventResult => {
      const { eventId, type } = interactions[i]!;
      if (outcome.status === 'rejected') {
        // Anything but a refused command (store down, a bug) fails the request;
        // the client retries the batch and what was stored comes back as duplicate.
        if (!(outcome.reason instanceof DomainRuleViolation)) throw outcome.reason;
        this.metrics.eventsIngested.labels(type, 'rejected').inc();
        return { eventId, status: 'rejected', reason: outcome.reason.message, code: outcome.reason.code };
      }
      const { events, position: at } = outcome.value;
      if (at !== undefined && (position === undefined || at > position)) position = at;
      const status = events.length > 0 ? 'accepted' : 'duplicate';
      this.metrics.eventsIngested.labels(type, status).inc();
      return { eventId, status };
    });
    return { results, position: position ?? (await this.store.headPosition()) };
  }

  private toCommand(
    event: InteractionWireEvent,
    receivedAt: string,
    unknown: ReadonlySet<string>,
    rejectUnknownItems: boolean,
  ): RecordInteraction {
    const { type, eventId, ...fields } = event;
    return {
      type: 'RecordInteraction',
      data: {
        ...fields,
        kind: type,
        clientEventId: eventId,
        receivedAt,
        maxClockSkewMs: this.config.PULSE_MAX_CLOCK_SKEW_MS,
        unknownItemIds: itemIdsOf(event).filter((id) => unknown.has(id)),
        rejectUnknownItems,
      },
    };
  }
}

function itemIdsOf(event: InteractionWireEvent): string[] {
  if (event.type === 'search') return event.resultItemIds ? [...event.resultItemIds] : [];
  return [event.itemId];
}
