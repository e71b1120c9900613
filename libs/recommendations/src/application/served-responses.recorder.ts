import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CommandContext } from '@pulse/platform/actors/event-sourced-binding';
import type { EventMetadata } from '@pulse/platform/events/event-metadata';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import { EVENT_STORE, type EventStore } from '@pulse/platform/event-store/event-store.port';
import {
  recommendationStreamId,
  searchStreamId,
  type ServedEvent,
  servedEventDefinitions,
} from '../domain/served.events';

/**
 * Records what a response showed, before the response leaves: a click can
 * follow within milliseconds, and crediting it needs the impression to be in
 * the log first. Each response gets a stream of its own, so the append never
 * contends with another writer.
 */
@Injectable()
export class ServedResponsesRecorder {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
  ) {
    registry.registerAll(servedEventDefinitions);
  }

  async record(event: ServedEvent, context: CommandContext): Promise<bigint> {
    const streamId =
      event.type === 'RecommendationsServed'
        ? recommendationStreamId(event.data.responseId)
        : searchStreamId(event.data.responseId);
    const metadata: EventMetadata = {
      correlationId: context.correlationId,
      causationId: context.causationId,
      occurredAt: event.data.servedAt,
      receivedAt: context.receivedAt,
      schemaVersion: this.registry.definition(event.type).schemaVersion,
    };
    const data = this.registry.validateForWrite(event.type, event.data) as Record<string, unknown>;
    const result = await this.store.append(
      streamId,
      [{ eventId: randomUUID(), type: event.type, data, metadata: { ...metadata } }],
      'no_stream',
    );
    return result.position;
  }
}
