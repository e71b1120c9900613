import type { DomainEvent } from '@pulse/platform/domain/decider';
import { documentForWrite } from '@pulse/platform/document-store/document-store.validation';
import type {
  DocumentFields,
  ProjectedEvent,
  Projection,
  ProjectionTransaction,
  Reducer,
} from '@pulse/platform/projections/projection';

/**
 * Runs a projection over events in memory, for unit tests of projections.
 *
 * It keeps the rules of the real runner (libs/platform/src/projections), so a
 * projection that passes here behaves the same there:
 * - only `projection.eventTypes` reach `handle`;
 * - every document remembers `_position`, the position of the last event
 *   applied to it, and `update` skips an event whose position is not newer:
 *   a redelivered event changes nothing;
 * - a reducer returning null deletes the document but keeps its position
 *   (a tombstone), so an older event can't bring it back.
 *
 * It is stricter than the runner where that finds bugs early:
 * - the document a reducer receives is deeply frozen: mutating it throws;
 * - every document written is checked like the document store checks it
 *   (JSON only; no `.`/`$` keys; no bigint, Date, Map, NaN);
 * - a second `update` of the same document while handling one event throws
 *   (the runner would silently skip it, losing the change): merge the changes
 *   into one reducer instead.
 */

export interface HarnessOptions {
  /** What to do with a second update of one document in one event. Default `throw`. */
  readonly repeatedUpdate?: 'throw' | 'skip';
}

interface Entry {
  /** null: a tombstone. */
  doc: DocumentFields | null;
  position: bigint;
}

/** Documents per read model: read model → document id → fields (without `_id`/`_position`). */
export type ReadModelSnapshot = Record<string, Record<string, DocumentFields>>;

export class ProjectionHarness {
  private readonly readModels = new Map<string, Map<string, Entry>>();
  private readonly interesting: ReadonlySet<string>;

  constructor(
    readonly projection: Projection,
    private readonly options: HarnessOptions = {},
  ) {
    this.interesting = new Set(projection.eventTypes);
    for (const spec of projection.readModels) this.readModels.set(spec.name, new Map());
  }

  /** Feeds events in the given order, exactly as delivered (duplicates included). */
  async apply(events: readonly ProjectedEvent[]): Promise<this> {
    for (const event of events) {
      if (!this.interesting.has(event.type)) continue;
      await this.projection.handle(event, this.transactionFor(event));
    }
    return this;
  }

  /** The live documents of one read model, by id (tombstones left out). */
  documents<Doc extends DocumentFields = DocumentFields>(readModel: string): Record<string, Doc> {
    const result: Record<string, Doc> = {};
    const ids = [...this.collection(readModel).keys()].sort();
    for (const id of ids) {
      const entry = this.collection(readModel).get(id)!;
      if (entry.doc !== null) result[id] = entry.doc as Doc;
    }
    return result;
  }

  document<Doc extends DocumentFields = DocumentFields>(
    readModel: string,
    id: string,
  ): Doc | undefined {
    return (this.collection(readModel).get(id)?.doc ?? undefined) as Doc | undefined;
  }

  /** `_position` of a document (tombstones included), or undefined if never written. */
  positionOf(readModel: string, id: string): bigint | undefined {
    return this.collection(readModel).get(id)?.position;
  }

  /** Every read model's documents, as plain data for deep comparison. */
  snapshot(): ReadModelSnapshot {
    const result: ReadModelSnapshot = {};
    for (const name of [...this.readModels.keys()].sort()) result[name] = this.documents(name);
    return result;
  }

  private collection(readModel: string): Map<string, Entry> {
    const docs = this.readModels.get(readModel);
    if (!docs) {
      throw new Error(
        `Projection ${this.projection.name} used read model '${readModel}', which it does not declare in readModels`,
      );
    }
    return docs;
  }

  private transactionFor(event: ProjectedEvent): ProjectionTransaction {
    const updatedInThisEvent = new Set<string>();
    return {
      get: async <Doc extends DocumentFields>(readModel: string, id: string) =>
        (this.collection(readModel).get(id)?.doc ?? null) as Doc | null,
      update: async <Doc extends DocumentFields>(
        readModel: string,
        id: string,
        reducer: Reducer<Doc>,
      ) => {
        const docs = this.collection(readModel);
        const entry = docs.get(id);
        if (entry !== undefined && entry.position >= event.position) {
          const key = `${readModel}\u0000${id}`;
          if (updatedInThisEvent.has(key) && this.options.repeatedUpdate !== 'skip') {
            throw new Error(
              `${this.projection.name} updated ${readModel}/${id} twice for ${event.type} at position ` +
                `${event.position}; the runner skips the second update, so merge them into one reducer`,
            );
          }
          return; // the idempotency rule: this document has seen this event or a later one
        }
        const next = reducer((entry?.doc ?? null) as Doc | null);
        if (next !== null) documentForWrite(next, `${readModel}/${id}`);
        // Frozen so that a later reducer mutating its input fails loudly here,
        // instead of corrupting a document the real runner has cached.
        docs.set(id, { doc: next === null ? null : deepFreeze(next), position: event.position });
        updatedInThisEvent.add(`${readModel}\u0000${id}`);
      },
    };
  }
}

/** Runs `events` through a fresh projection and returns every read model's documents. */
export async function runProjection(
  projection: Projection,
  events: readonly ProjectedEvent[],
  options?: HarnessOptions,
): Promise<ReadModelSnapshot> {
  return (await new ProjectionHarness(projection, options).apply(events)).snapshot();
}

/**
 * The two ways the log redelivers events, for the replay property every
 * projection must have: each event twice in a row (e1,e1,e2,e2,...) and the
 * whole sequence again after it (a restart from an old checkpoint). Both must
 * leave the same documents as delivering each event once.
 */
export async function replayScenarios(
  createProjection: () => Projection,
  events: readonly ProjectedEvent[],
): Promise<{
  once: ReadModelSnapshot;
  eachTwice: ReadModelSnapshot;
  sequenceTwice: ReadModelSnapshot;
  secondRun: ReadModelSnapshot;
}> {
  return {
    once: await runProjection(createProjection(), events),
    eachTwice: await runProjection(
      createProjection(),
      events.flatMap((event) => [event, event]),
    ),
    sequenceTwice: await runProjection(createProjection(), [...events, ...events]),
    secondRun: await runProjection(createProjection(), events),
  };
}

// ---- events -------------------------------------------------------------------

export interface ProjectedEventOptions {
  /** Position of the first event; the rest follow one by one. Default 1. */
  readonly firstPosition?: bigint;
}

/**
 * Turns domain events into committed events as the store would deliver them:
 * positions in list order, revisions counted per stream, `recordedAt` from
 * the event's own time (`occurredAt` or `at`) so tests stay deterministic.
 * The stream is `shopper-<shopperId>` or `item-<itemId>`, from the payload.
 */
export function toProjectedEvents(
  events: readonly DomainEvent[],
  options: ProjectedEventOptions = {},
): ProjectedEvent[] {
  const revisions = new Map<string, bigint>();
  let position = options.firstPosition ?? 1n;
  return events.map((event) => {
    const streamId = streamIdOf(event);
    const revision = revisions.get(streamId) ?? 0n;
    revisions.set(streamId, revision + 1n);
    return projectedEvent(event, { streamId, revision, position: position++ });
  });
}

/** One committed event; stream and time are derived from the payload unless given. */
export function projectedEvent(
  event: DomainEvent,
  at: { position: bigint; revision?: bigint; streamId?: string; recordedAt?: Date },
): ProjectedEvent {
  const data = event.data as Record<string, any>;
  const occurredAt = eventTime(data);
  return {
    streamId: at.streamId ?? streamIdOf(event),
    revision: at.revision ?? 0n,
    position: at.position,
    type: event.type,
    data,
    metadata: {
      correlationId: `test-correlation-${at.position}`,
      causationId: `test-causation-${at.position}`,
      ...(typeof data.clientEventId === 'string' && { clientEventId: data.clientEventId }),
      occurredAt,
      receivedAt: occurredAt,
      schemaVersion: 1,
    },
    recordedAt: at.recordedAt ?? new Date(occurredAt),
  };
}

function streamIdOf(event: DomainEvent): string {
  const data = event.data as Record<string, unknown>;
  if (typeof data.shopperId === 'string') return `shopper-${data.shopperId}`;
  if (typeof data.itemId === 'string') return `item-${data.itemId}`;
  throw new Error(
    `Cannot tell the stream of ${event.type}: its payload has neither shopperId nor itemId`,
  );
}

function eventTime(data: Record<string, unknown>): string {
  const time = data.occurredAt ?? data.at;
  return typeof time === 'string' ? new Date(time).toISOString() : '2025-01-01T00:00:00.000Z';
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
