import { type CatalogEntry, evolveCatalogEntry } from './catalog-content';
import { InteractionLog, Interner, Kind, KIND_OF_EVENT_TYPE } from './interaction-log';
import { finishTrainingSet } from './training-set.finish';
import { resolveTrainingSetOptions, type TrainingSetOptions } from './training-set.options';
import type { TrainingEvent, TrainingSet } from './training-set.types';

const ITEM_EVENT_TYPES = new Set([
  'ItemListed',
  'ItemUpdated',
  'ItemPriceChanged',
  'ItemStockChanged',
  'ItemDelisted',
]);

/**
 * The pure part of the builder: `add` folds events (in log order) into
 * columns of interactions and the catalog's item entries; `finish` sorts,
 * cleans, splits and assembles the training set. No I/O and no clock, so the
 * same events always give the same set.
 */
export class TrainingSetAccumulator {
  readonly options: TrainingSetOptions;
  readonly log = new InteractionLog();
  readonly shoppers = new Interner();
  /** Keyed shopperId + NUL + sessionId: a session belongs to one shopper. */
  readonly sessions = new Interner();
  readonly items = new Interner();
  readonly catalog = new Map<string, CatalogEntry>();
  eventsRead = 0;
  shopperEvents = 0;
  itemEvents = 0;
  lastPositionRead = -1n;

  constructor(options: Partial<TrainingSetOptions> = {}) {
    this.options = resolveTrainingSetOptions(options);
  }

  add(event: TrainingEvent): void {
    if (event.position <= this.lastPositionRead) {
      throw new Error(
        `events must come in log order: position ${event.position} after ${this.lastPositionRead}`,
      );
    }
    this.eventsRead++;
    this.lastPositionRead = event.position;
    const kind = KIND_OF_EVENT_TYPE[event.type];
    if (kind !== undefined) {
      this.shopperEvents++;
      const { shopperId, sessionId, occurredAt, itemId } = event.data;
      const time = Date.parse(occurredAt);
      if (Number.isNaN(time)) {
        throw new Error(
          `${event.type} at position ${event.position}: occurredAt "${occurredAt}" is not a date`,
        );
      }
      this.log.push(
        this.shoppers.intern(shopperId),
        this.sessions.intern(`${shopperId}\u0000${sessionId}`),
        kind === Kind.search ? -1 : this.items.intern(itemId),
        kind,
        time,
      );
    } else if (ITEM_EVENT_TYPES.has(event.type)) {
      this.itemEvents++;
      const itemId: string = event.data.itemId;
      const next = evolveCatalogEntry(this.catalog.get(itemId), event.type, event.data);
      if (next) this.catalog.set(itemId, next);
    }
  }

  /** The training set covering the log up to `untilPosition` (default: the last event added). */
  finish(untilPosition: bigint = this.lastPositionRead): TrainingSet {
    return finishTrainingSet(this, untilPosition);
  }
}

/** Convenience for tests and in-memory logs: fold `events` and finish. */
export function trainingSetFromEvents(
  events: Iterable<TrainingEvent>,
  options: Partial<TrainingSetOptions> = {},
  untilPosition?: bigint,
): TrainingSet {
  const accumulator = new TrainingSetAccumulator(options);
  for (const event of events) accumulator.add(event);
  return accumulator.finish(untilPosition);
}
