/**
 * Pure translation from checked port inputs to MongoDB documents, kept apart
 * from the adapter so it can be unit-tested without a server.
 */
import { type AnyBulkWriteOperation, type Document, Long, type Sort } from 'mongodb';
import type { StoredDocument } from './document-store.port';
import {
  DELETED_FIELD,
  type FieldFilter,
  ID_FIELD,
  POSITION_FIELD,
  type PreparedWrite,
  type SortKey,
} from './document-store.validation';

/** How a read model document sits in MongoDB: `_position` is a BSON Int64. */
export interface MongoStoredDocument extends Document {
  _id: string;
  _position: Long | bigint | number;
  /** Set on tombstones only. */
  _deleted?: true;
}

/** Live documents only: tombstones never match a read. */
export const NOT_DELETED = { [DELETED_FIELD]: { $ne: true } } as const;

/**
 * The port's filter language is a subset of MongoDB's, with the same
 * array-any semantics, so checked conditions map one to one.
 */
export function toMongoFilter(filters: readonly FieldFilter[]): Document {
  const query: Document = { ...NOT_DELETED };
  for (const { path, conditions } of filters) {
    const operators: Document = {};
    for (const condition of conditions) {
      operators[condition.op] = condition.op === '$in' ? [...condition.values] : condition.value;
    }
    query[path] = operators;
  }
  return query;
}

export function toMongoSort(sort: readonly SortKey[]): Sort {
  // Paths start with a letter or underscore, so object key order is insertion order.
  return Object.fromEntries(sort.map(({ path, direction }) => [path, direction]));
}

/**
 * The guarded write: replace the document only if the stored one is older,
 * else insert it. When a document with this `_id` exists at an equal or newer
 * position, the filter matches nothing and the upsert's insert fails with a
 * duplicate key error (11000), which the caller reads as "skip". A delete is
 * the same replace with a tombstone, so the position survives the delete.
 */
export function guardedReplace(
  write: PreparedWrite,
  position: bigint,
): AnyBulkWriteOperation<MongoStoredDocument> {
  const storedPosition = Long.fromBigInt(position);
  const replacement =
    write.op === 'put'
      ? { ...write.doc, [POSITION_FIELD]: storedPosition }
      : { [POSITION_FIELD]: storedPosition, [DELETED_FIELD]: true as const };
  return {
    replaceOne: {
      filter: { [ID_FIELD]: write.id, [POSITION_FIELD]: { $lt: storedPosition } },
      replacement,
      upsert: true,
    },
  };
}

/**
 * Normalises `_position` whatever the client's BSON options: a client opened
 * with `useBigInt64` gives bigint, one without gives Long, and a document
 * written by hand may hold a plain number.
 */
export function positionFromMongo(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (Long.isLong(value)) return value.toBigInt();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new TypeError(`Stored _position ${String(value)} is not a 64-bit integer`);
}

export function fromMongo(stored: Document): StoredDocument {
  const fields: Document = { ...stored };
  delete fields[ID_FIELD];
  delete fields[POSITION_FIELD];
  delete fields[DELETED_FIELD];
  return {
    _id: String(stored[ID_FIELD]),
    _position: positionFromMongo(stored[POSITION_FIELD]),
    ...fields,
  };
}
