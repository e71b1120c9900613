import type { IndexSpec, StoredDocument } from '../document-store/document-store.port';
import type { RecordedEvent } from '../event-store/event-store.port';

/**
 * A projection turns the event log into one or more read models. It is
 * written as `handle(event, tx)`: look at one committed event and update the
 * documents it affects through `tx`. The runner feeds events in log order,
 * batches them, and commits each batch's documents together with the
 * projection's checkpoint.
 *
 * Rules that make replays give the same state:
 * - Reducers are pure: no clock, no randomness; time comes from the event
 *   (`occurredAt`, `recordedAt`), so a rebuild next month gives today's result.
 * - `tx.update` skips a document that has already seen this event (its
 *   `_position` is not older), so an event delivered twice changes nothing.
 * - An exception stops the projection with status `failed` at that event; it
 *   is never skipped silently.
 */
export interface Projection {
  /** Stable name: admin endpoints, checkpoints and serving versions use it. */
  readonly name: string;
  /** Logical read models it writes (physical collections are `<name>_v<N>`). */
  readonly readModels: readonly ReadModelSpec[];
  /** Event types it reacts to; others only advance its checkpoint. */
  readonly eventTypes: readonly string[];
  handle(event: ProjectedEvent, tx: ProjectionTransaction): Promise<void>;
}

export interface ReadModelSpec {
  /** e.g. `shopper_profiles`. Letters, digits and underscores. */
  readonly name: string;
  readonly indexes?: readonly IndexSpec[];
}

/** A committed event as projections see it. `data` is already upcast and validated. */
export interface ProjectedEvent {
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: bigint;
  readonly type: string;
  readonly data: Record<string, any>;
  readonly metadata: Record<string, any>;
  readonly recordedAt: Date;
}

/** A document as a reducer sees it: its fields, without the store's bookkeeping. */
export type DocumentFields = Record<string, unknown>;

/** `null` in, for a document that doesn't exist yet; `null` out deletes it. */
export type Reducer<Doc extends DocumentFields = DocumentFields> = (doc: Doc | null) => Doc | null;

export interface ProjectionTransaction {
  /**
   * The current document (including this batch's earlier updates), or null.
   * For reading neighbours, e.g. a session's earlier items.
   */
  get<Doc extends DocumentFields = DocumentFields>(readModel: string, id: string): Promise<Doc | null>;
  /**
   * Applies `reducer` to one document unless it has already seen the event
   * being handled. Reducers must not mutate their input. Update a document at
   * most once per event: a second update of it for the same event is skipped
   * by the same rule.
   */
  update<Doc extends DocumentFields = DocumentFields>(
    readModel: string,
    id: string,
    reducer: Reducer<Doc>,
  ): Promise<void>;
}

export function fieldsOf(doc: StoredDocument): DocumentFields {
  const { _id: _ignoredId, _position: _ignoredPosition, ...fields } = doc;
  return fields;
}

export type { RecordedEvent };
