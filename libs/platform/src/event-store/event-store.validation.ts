import { InvalidAppendError } from './event-store.errors';
import type { EventToAppend, ExpectedRevision } from './event-store.port';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isJsonObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks an append before any adapter touches its backend, so both adapters
 * reject the same malformed batches with the same error. Returns the event ids
 * in lower case: EventStoreDB stores ids as 128-bit UUIDs and reads them back
 * lower-case, so the embedded store normalises the same way and an id written
 * as `ABC…` is recognised when retried as `abc…`.
 */
export function validateAppend(
  streamId: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
): string[] {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new InvalidAppendError('Stream id must be a non-empty string');
  }
  if (typeof expected === 'bigint' && expected < 0n) {
    throw new InvalidAppendError(`Expected revision must be >= 0, got ${expected}`);
  }
  if (events.length === 0) {
    throw new InvalidAppendError(`Append to '${streamId}' has no events`);
  }
  const ids = new Set<string>();
  for (const event of events) {
    if (typeof event.eventId !== 'string' || !UUID.test(event.eventId)) {
      throw new InvalidAppendError(`Event id '${String(event.eventId)}' is not a UUID`);
    }
    const id = event.eventId.toLowerCase();
    if (ids.has(id)) {
      throw new InvalidAppendError(`Event id '${id}' appears twice in one append to '${streamId}'`);
    }
    ids.add(id);
    if (typeof event.type !== 'string' || event.type.length === 0) {
      throw new InvalidAppendError(`Event '${id}' has no type`);
    }
    if (!isJsonObject(event.data) || !isJsonObject(event.metadata)) {
      throw new InvalidAppendError(`Event '${id}' data and metadata must be JSON objects`);
    }
  }
  return [...ids];
}
