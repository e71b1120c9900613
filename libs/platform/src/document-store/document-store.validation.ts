/**
 * Input rules shared by both adapters. Everything here runs before a single
 * byte is written, so a malformed call fails whole (which matters for MongoDB
 * without a replica set, where a batch is not one transaction), and both
 * backends reject exactly the same inputs.
 */
import { InvalidDocumentStoreInputError } from './document-store.errors';
import type {
  CollectionWrites,
  DocumentFilter,
  DocumentWrite,
  FindOptions,
  Scalar,
} from './document-store.port';

export const ID_FIELD = '_id';
export const POSITION_FIELD = '_position';
/** Marks a tombstone in MongoDB; reserved in both adapters so documents behave the same. */
export const DELETED_FIELD = '_deleted';

/**
 * Collection and read-model names become SQLite table names and MongoDB
 * namespaces, so only identifiers pass (no quoting games, no SQL injection).
 * The leading letter keeps them apart from the adapters' own bookkeeping
 * tables/collections, which start with an underscore or a fixed prefix.
 */
const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;
/** One segment of a dotted field path; it is inlined into SQLite JSON paths. */
const PATH_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/** Both SQLite INTEGER and BSON Long are signed 64-bit. */
export const MAX_POSITION = 2n ** 63n - 1n;

export function isCollectionName(name: unknown): name is string {
  return typeof name === 'string' && COLLECTION_NAME.test(name);
}

export function assertCollectionName(
  name: unknown,
  what = 'collection name',
): asserts name is string {
  if (!isCollectionName(name)) {
    throw new InvalidDocumentStoreInputError(
      `Invalid ${what} ${JSON.stringify(name)}: use a letter then letters, digits or underscores (at most 100)`,
    );
  }
}

/**
 * A dotted path such as `stats.views`. `_id` and `_position` are allowed
 * only as whole paths (they are the key and the guard, not objects);
 * `_deleted` is the adapters' tombstone flag and is never addressable.
 */
export function assertFieldPath(path: unknown): asserts path is string {
  if (typeof path !== 'string') {
    throw new InvalidDocumentStoreInputError(`Invalid field path ${String(path)}`);
  }
  if (path === ID_FIELD || path === POSITION_FIELD) return;
  const segments = path.split('.');
  const first = segments[0];
  if (
    !segments.every((segment) => PATH_SEGMENT.test(segment)) ||
    first === ID_FIELD ||
    first === POSITION_FIELD ||
    first === DELETED_FIELD
  ) {
    throw new InvalidDocumentStoreInputError(
      `Invalid field path ${JSON.stringify(path)}: use dot-separated identifiers; ` +
        `_id and _position only as a whole path, _deleted is reserved`,
    );
  }
}

export function assertPosition(position: unknown, what = 'position'): asserts position is bigint {
  if (typeof position !== 'bigint' || position < 0n || position > MAX_POSITION) {
    throw new InvalidDocumentStoreInputError(
      `Invalid ${what} ${String(position)}: expected a bigint between 0 and 2^63-1`,
    );
  }
}

// ---------------------------------------------------------------- documents

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Documents are JSON: strings, finite numbers, booleans, null, arrays and
 * plain objects. Anything else is rejected rather than converted, because
 * SQLite (JSON text) and MongoDB (BSON) would otherwise disagree about what
 * comes back: a bigint cannot be JSON-serialised at all, a Date would come
 * back as a string from one and a Date from the other, NaN would become null.
 * `undefined` object properties are dropped, as JSON.stringify does.
 */
function assertJsonValue(value: unknown, where: string): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (Number.isFinite(value)) return;
      throw invalidValue(where, String(value));
    case 'object':
      if (value === null) return;
      if (Array.isArray(value)) {
        value.forEach((item, index) => {
          if (item === undefined) throw invalidValue(`${where}[${index}]`, 'undefined');
          assertJsonValue(item, `${where}[${index}]`);
        });
        return;
      }
      if (!isPlainObject(value)) throw invalidValue(where, value.constructor?.name ?? 'object');
      for (const [key, item] of Object.entries(value)) {
        // `$` and `.` have meaning in MongoDB field names and dotted paths.
        if (key === '' || key.startsWith('$') || key.includes('.') || key.includes('\0')) {
          throw new InvalidDocumentStoreInputError(
            `Invalid key ${JSON.stringify(key)} in document at ${where}: keys must be non-empty and contain no '$' prefix, '.' or NUL`,
          );
        }
        if (item !== undefined) assertJsonValue(item, `${where}.${key}`);
      }
      return;
    default:
      throw invalidValue(where, typeof value);
  }
}

function invalidValue(where: string, what: string): InvalidDocumentStoreInputError {
  return new InvalidDocumentStoreInputError(
    `Document value at ${where} is ${what}; documents must be JSON ` +
      `(a bigint must be stored as a string or number, a Date as an ISO string)`,
  );
}

/**
 * Validates a document to put and returns it without the store-managed
 * fields: `_id` and `_position` are set by the store, so a document read
 * earlier can be modified and put back as it is.
 */
export function documentForWrite(
  doc: Readonly<Record<string, unknown>>,
  where: string,
): Record<string, unknown> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InvalidDocumentStoreInputError(`Document ${where} must be a plain object`);
  }
  const fields: Record<string, unknown> = { ...doc };
  delete fields[ID_FIELD];
  delete fields[POSITION_FIELD];
  if (DELETED_FIELD in fields) {
    throw new InvalidDocumentStoreInputError(
      `Document ${where} has the reserved field ${DELETED_FIELD}`,
    );
  }
  assertJsonValue(fields, where);
  return fields;
}

// ---------------------------------------------------------------- writes

export type PreparedWrite =
  | { readonly op: 'put'; readonly id: string; readonly doc: Record<string, unknown> }
  | { readonly op: 'delete'; readonly id: string };

/**
 * Validates a whole applyBatch call and groups its writes per collection,
 * keeping the LAST write per document: every write in a batch carries the
 * same position, so the guard alone could not order two writes to one
 * document, and an unordered MongoDB bulk write would apply them in any order.
 */
export function prepareWrites(
  batches: readonly CollectionWrites[],
  position: bigint,
): Map<string, PreparedWrite[]> {
  assertPosition(position);
  const perCollection = new Map<string, Map<string, PreparedWrite>>();
  for (const { collection, writes } of batches) {
    assertCollectionName(collection);
    let byId = perCollection.get(collection);
    if (!byId) perCollection.set(collection, (byId = new Map()));
    for (const write of writes) {
      const prepared = prepareWrite(collection, write);
      byId.delete(prepared.id); // re-insert so iteration order follows the last write
      byId.set(prepared.id, prepared);
    }
  }
  return new Map([...perCollection].map(([name, byId]) => [name, [...byId.values()]]));
}

function prepareWrite(collection: string, write: DocumentWrite): PreparedWrite {
  if (typeof write.id !== 'string' || write.id === '') {
    throw new InvalidDocumentStoreInputError(
      `Write to ${collection} has an invalid id ${JSON.stringify(write.id)}: expected a non-empty string`,
    );
  }
  switch (write.op) {
    case 'put':
      return {
        op: 'put',
        id: write.id,
        doc: documentForWrite(write.doc, `${collection}/${write.id}`),
      };
    case 'delete':
      return { op: 'delete', id: write.id };
    default:
      throw new InvalidDocumentStoreInputError(
        `Write to ${collection} has an unknown op ${JSON.stringify((write as { op: unknown }).op)}`,
      );
  }
}

// ---------------------------------------------------------------- filters

export type RangeOperator = '$gt' | '$gte' | '$lt' | '$lte';

export type Condition =
  | { readonly op: '$eq' | '$ne'; readonly value: Scalar }
  | { readonly op: '$in'; readonly values: readonly Scalar[] }
  | { readonly op: RangeOperator; readonly value: number | string }
  | { readonly op: '$exists'; readonly value: boolean };

export interface FieldFilter {
  readonly path: string;
  /** ANDed. Never empty. */
  readonly conditions: readonly Condition[];
}

function isScalar(value: unknown): value is Scalar {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/**
 * Turns a DocumentFilter into a checked list of conditions. A bare scalar
 * means `$eq`; operators set to `undefined` are ignored (optional properties
 * built with spreads); a field left with no operator at all is dropped, where
 * MongoDB would otherwise read `{field: {}}` as "equals an empty object".
 */
export function parseFilter(filter: DocumentFilter | undefined): FieldFilter[] {
  if (filter === undefined) return [];
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new InvalidDocumentStoreInputError('A filter must be an object of field conditions');
  }
  const result: FieldFilter[] = [];
  for (const [path, condition] of Object.entries(filter)) {
    assertFieldPath(path);
    if (condition === undefined) continue;
    if (isScalar(condition)) {
      result.push({ path, conditions: [{ op: '$eq', value: condition }] });
      continue;
    }
    if (typeof condition !== 'object' || Array.isArray(condition)) {
      throw new InvalidDocumentStoreInputError(
        `Filter on ${path}: expected a scalar or an operator object, got ${JSON.stringify(condition)}`,
      );
    }
    const conditions = Object.entries(condition)
      .filter(([, value]) => value !== undefined)
      .map(([op, value]) => parseCondition(path, op, value));
    if (conditions.length > 0) result.push({ path, conditions });
  }
  return result;
}

function parseCondition(path: string, op: string, value: unknown): Condition {
  const bad = (expected: string) =>
    new InvalidDocumentStoreInputError(
      `Filter on ${path}: ${op} expects ${expected}, got ${JSON.stringify(value)}`,
    );
  switch (op) {
    case '$eq':
    case '$ne':
      if (!isScalar(value)) throw bad('a string, finite number, boolean or null');
      return { op, value };
    case '$in':
      if (!Array.isArray(value) || !value.every(isScalar)) throw bad('an array of scalars');
      return { op, values: value as Scalar[] };
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
        throw bad('a string or a finite number');
      }
      return { op, value };
    case '$exists':
      if (typeof value !== 'boolean') throw bad('a boolean');
      return { op, value };
    default:
      throw new InvalidDocumentStoreInputError(
        `Filter on ${path}: unsupported operator ${JSON.stringify(op)} ` +
          `(supported: $eq $ne $in $gt $gte $lt $lte $exists)`,
      );
  }
}

// ---------------------------------------------------------------- find options

export interface SortKey {
  readonly path: string;
  readonly direction: 1 | -1;
}

export interface ParsedFindOptions {
  /**
   * Sort keys in order, always ending with `_id` ascending (unless `_id` is
   * already a key) so that ties, and so skip/limit paging, come out the same
   * on both backends and from one call to the next.
   */
  readonly sort: readonly SortKey[];
  readonly limit?: number;
  readonly skip?: number;
}

export function parseFindOptions(options: FindOptions | undefined): ParsedFindOptions {
  const sort: SortKey[] = [];
  for (const [path, direction] of Object.entries(options?.sort ?? {})) {
    assertFieldPath(path);
    if (direction !== 1 && direction !== -1) {
      throw new InvalidDocumentStoreInputError(
        `Sort on ${path}: direction must be 1 or -1, got ${JSON.stringify(direction)}`,
      );
    }
    sort.push({ path, direction });
  }
  if (!sort.some((key) => key.path === ID_FIELD)) sort.push({ path: ID_FIELD, direction: 1 });
  return {
    sort,
    limit: nonNegativeInteger(options?.limit, 'limit'),
    skip: nonNegativeInteger(options?.skip, 'skip'),
  };
}

function nonNegativeInteger(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidDocumentStoreInputError(
      `Invalid ${what} ${JSON.stringify(value)}: expected a non-negative integer`,
    );
  }
  return value;
}

export function assertServingVersion(version: unknown): asserts version is number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    throw new InvalidDocumentStoreInputError(
      `Invalid serving version ${JSON.stringify(version)}: expected a non-negative integer`,
    );
  }
}

export function assertCheckpointName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '' || name.length > 200) {
    throw new InvalidDocumentStoreInputError(
      `Invalid checkpoint name ${JSON.stringify(name)}: expected a non-empty string of at most 200 characters`,
    );
  }
}
