/**
 * The document store port: where read models and checkpoints live.
 * Production: MongoDB. Embedded default: SQLite. One contract suite
 * (libs/testing/src/contracts/document-store.contract.ts) holds both to the
 * same behaviour.
 *
 * Every stored document remembers `_position`, the global event-log position
 * of the last event applied to it. Writes are guarded by it: a write carrying
 * a position not newer than the stored one is ignored. That is what makes
 * projections idempotent (an event delivered twice changes nothing) and makes
 * a replay after a crash safe.
 */

export type Scalar = string | number | boolean | null;

/** A stored document. `_id` is the key; `_position` is set by the store on write. */
export interface StoredDocument {
  readonly _id: string;
  readonly _position: bigint;
  readonly [field: string]: unknown;
}

/**
 * Condition on one field, addressed by a dotted path (`stats.views`).
 * A bare scalar means equality. Where the field holds an array, equality and
 * `$in` match when ANY element matches (MongoDB's rule; the SQLite adapter
 * emulates it).
 */
export type FieldCondition =
  | Scalar
  | {
      $eq?: Scalar;
      $ne?: Scalar;
      $in?: readonly Scalar[];
      $gt?: number | string;
      $gte?: number | string;
      $lt?: number | string;
      $lte?: number | string;
      $exists?: boolean;
    };

export type DocumentFilter = Readonly<Record<string, FieldCondition>>;

export interface FindOptions {
  /** Field path to 1 (ascending) or -1 (descending); applied in key order. */
  readonly sort?: Readonly<Record<string, 1 | -1>>;
  readonly limit?: number;
  readonly skip?: number;
}

export type DocumentWrite =
  /** Insert or replace the whole document (without `_id`/`_position`, which the store sets). */
  | { readonly op: 'put'; readonly id: string; readonly doc: Readonly<Record<string, unknown>> }
  | { readonly op: 'delete'; readonly id: string };

export interface CollectionWrites {
  /** Physical collection name, e.g. `shopper_profiles_v2`. */
  readonly collection: string;
  readonly writes: readonly DocumentWrite[];
}

export interface Checkpoint {
  readonly name: string;
  readonly position: bigint;
}

export interface IndexSpec {
  /** Field path to direction; a compound index when several. */
  readonly fields: Readonly<Record<string, 1 | -1>>;
}

export interface DocumentStore {
  get(collection: string, id: string): Promise<StoredDocument | null>;
  /** Missing ids are absent from the result map. */
  getMany(collection: string, ids: readonly string[]): Promise<Map<string, StoredDocument>>;
  find(collection: string, filter: DocumentFilter, options?: FindOptions): Promise<StoredDocument[]>;
  count(collection: string, filter?: DocumentFilter): Promise<number>;
  ensureIndex(collection: string, index: IndexSpec): Promise<void>;

  /**
   * Applies every write at `position`, guarded per document: a `put` or
   * `delete` whose position is not newer than the stored `_position` is
   * skipped. A delete leaves a tombstone holding the position so that a late,
   * older put cannot resurrect the document. When `checkpoint` is given it is
   * stored in the same atomic unit (SQLite transaction; MongoDB transaction on
   * a replica set, else guarded writes then the checkpoint).
   */
  applyBatch(
    batches: readonly CollectionWrites[],
    position: bigint,
    checkpoint?: Checkpoint,
  ): Promise<void>;

  getCheckpoint(name: string): Promise<bigint | null>;
  /** Removes a checkpoint (used when a rebuild starts a fresh version). */
  deleteCheckpoint(name: string): Promise<void>;

  /**
   * Versioned read models: `shopper_profiles` is served from
   * `shopper_profiles_v<N>`. The switch is atomic for every reader.
   */
  getServingVersion(readModel: string): Promise<number | null>;
  setServingVersion(readModel: string, version: number): Promise<void>;
  dropCollection(collection: string): Promise<void>;
  listCollections(): Promise<string[]>;

  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Injection token for the DocumentStore port. */
export const DOCUMENT_STORE = Symbol('DOCUMENT_STORE');
