import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '@pulse/platform/events/event-metadata';
import type { EventRegistry } from '@pulse/platform/events/event-registry';
import { StreamNotFoundError, WrongExpectedRevisionError } from '@pulse/platform/event-store/event-store.errors';
import type { EventStore, ExpectedRevision } from '@pulse/platform/event-store/event-store.port';
import { modelStreamId } from '../registry/model.events';
import { modelIncrementallyUpdatedEvent, type ModelIncrementallyUpdatedData } from './model-incrementally-updated.event';

/**
 * Appends ModelIncrementallyUpdated to `model-<name>`, at the stream's
 * current revision (so a concurrent registry write is never overtaken
 * silently; on a conflict it re-reads and tries again). The registry's own
 * actor reloads the stream when its next append meets this one.
 */
export class ModelStreamWriter {
  constructor(
    private readonly store: EventStore,
    private readonly registry: EventRegistry,
  ) {
    if (!registry.has(modelIncrementallyUpdatedEvent.type)) registry.register(modelIncrementallyUpdatedEvent);
  }

  async appendIncrementalUpdate(data: ModelIncrementallyUpdatedData, correlationId: string): Promise<bigint> {
    const stream = modelStreamId(data.model);
    const payload = this.registry.validateForWrite(modelIncrementallyUpdatedEvent.type, data);
    const metadata: EventMetadata = {
      correlationId,
      causationId: correlationId,
      occurredAt: data.updatedAt,
      receivedAt: data.updatedAt,
      schemaVersion: modelIncrementallyUpdatedEvent.schemaVersion,
    };
    const event = { eventId: randomUUID(), type: modelIncrementallyUpdatedEvent.type, data: payload, metadata: { ...metadata } };
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.store.append(stream, [event], await this.revisionOf(stream))).position;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= 3) throw error;
      }
    }
  }

  private async revisionOf(stream: string): Promise<ExpectedRevision> {
    try {
      const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      return last ? last.revision : 'no_stream';
    } catch (error) {
      if (error instanceof StreamNotFoundError) return 'no_stream';
      throw error;
    }
  }
}
