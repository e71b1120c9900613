import { itemEventDefinitions } from '@pulse/catalog/domain/item.events';
import type { EventStore, RecordedEvent } from '@pulse/platform/event-store/event-store.port';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import { shopperEventDefinitions } from '@pulse/shoppers/domain/shopper.events';
import { TrainingSetAccumulator } from './training-set.accumulator';
import type { TrainingSetOptions } from './training-set.options';
import type { TrainingSet } from './training-set.types';

export interface BuildTrainingSetOptions extends Partial<TrainingSetOptions> {
  /** Inclusive bound: events after it are not read. Default: the log head when the build starts. */
  readonly untilPosition?: bigint;
  /** Events per read of the log. Default 5000. */
  readonly pageSize?: number;
  /** Called after each page with the last position read and the bound. */
  readonly onProgress?: (progress: {
    position: bigint;
    untilPosition: bigint;
    eventsRead: number;
  }) => void;
}

/**
 * Reads the event log up to a position into a training set: a thin paging
 * loop around TrainingSetAccumulator (the pure part). Payloads are upcast and
 * validated through the EventRegistry, exactly as projections see them, so a
 * schema change can't quietly change the training data.
 */
export async function buildTrainingSet(
  store: EventStore,
  options: BuildTrainingSetOptions = {},
): Promise<TrainingSet> {
  const head = await store.headPosition();
  const untilPosition = options.untilPosition ?? head;
  if (untilPosition > head) {
    // As of a position the log hasn't reached, the set would change as events
    // arrive; refuse rather than export something not reproducible.
    throw new RangeError(`untilPosition ${untilPosition} is beyond the log head ${head}`);
  }
  const pageSize = options.pageSize ?? 5000;
  if (!(Number.isInteger(pageSize) && pageSize > 0)) {
    throw new RangeError(`pageSize must be a whole number > 0, got ${pageSize}`);
  }
  const accumulator = new TrainingSetAccumulator(options);
  const registry = new EventRegistry()
    .registerAll(shopperEventDefinitions)
    .registerAll(itemEventDefinitions);
  const filter = {
    eventTypes: registry.all().map((d) => d.type),
    streamPrefixes: ['shopper-', 'item-'],
  };
  let after: bigint | undefined;
  while (untilPosition >= 0n) {
    const page = await store.readAll({ after, maxCount: pageSize, filter });
    for (const recorded of page) {
      if (recorded.position > untilPosition) break;
      accumulator.add({
        type: recorded.type,
        position: recorded.position,
        data: decode(registry, recorded),
      });
    }
    const last = page[page.length - 1];
    // Only an empty page ends the log: a filtered read may return fewer than asked mid-log.
    if (!last || last.position >= untilPosition) break;
    after = last.position;
    options.onProgress?.({ position: after, untilPosition, eventsRead: accumulator.eventsRead });
  }
  options.onProgress?.({
    position: untilPosition,
    untilPosition,
    eventsRead: accumulator.eventsRead,
  });
  return accumulator.finish(untilPosition);
}

function decode(registry: EventRegistry, recorded: RecordedEvent): Record<string, any> {
  const version = Number(recorded.metadata.schemaVersion ?? 1);
  try {
    return registry.decode(recorded.type, recorded.data, version) as Record<string, any>;
  } catch (error) {
    throw new Error(
      `event ${recorded.eventId} (${recorded.type}) at position ${recorded.position} in ${recorded.streamId} ` +
        `does not decode: ${(error as Error).message}`,
    );
  }
}
