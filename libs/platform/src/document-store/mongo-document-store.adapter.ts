import {
  type AnyBulkWriteOperation,
  type ClientSession,
  type Collection,
  type Db,
  Long,
  MongoBulkWriteError,
  MongoClient,
  type MongoClientOptions,
} from 'mongodb';
import type {
  Checkpoint,
  CollectionWrites,
  DocumentFilter,
  DocumentStore,
  FindOptions,
  IndexSpec,
  StoredDocument,
} from './document-store.port';
import {
  DocumentStoreUnavailableError,
  InvalidDocumentStoreInputError,
} from './document-store.errors';
import {
  assertCheckpointName,
  assertCollectionName,
  assertFieldPath,
  assertPosition,
  assertServingVersion,
  isCollectionName,
  parseFilter,
  parseFindOptions,
  type PreparedWrite,
  prepareWrites,
} from './document-store.validation';
import {
  fromMongo,
  guardedReplace,
  type MongoStoredDocument,
  NOT_DELETED,
  positionFromMongo,
  toMongoFilter,
  toMongoSort,
} from './mongo-document-query';

export interface MongoDocumentStoreOptions {
  /**
   * Whether applyBatch runs in a multi-document transaction. 'auto' (the
   * default) asks the server once (`hello`) and uses one on a replica set or
   * mongos, which are the deployments that support transactions.
   */
  readonly transactions?: 'auto' | 'always' | 'never';
}

export interface MongoDocumentStoreConnectOptions extends MongoDocumentStoreOptions {
  readonly uri: string;
  readonly dbName: string;
  /** Stop retrying the first connect after this long, in ms. Default 30000. */
  readonly connectDeadlineMs?: number;
  /** First pause between attempts, doubled after each failure. Default 250 ms. */
  readonly initialRetryDelayMs?: number;
  /** Longest pause between attempts. Default 5000 ms. */
  readonly maxRetryDelayMs?: number;
  /** Passed to MongoClient; `useBigInt64` and `ignoreUndefined` are always set. */
  readonly clientOptions?: MongoClientOptions;
}

/** Bookkeeping collections; the leading underscore keeps them out of collection names. */
const CHECKPOINTS = '_checkpoints';
const SERVING_VERSIONS = '_serving_versions';
const DUPLICATE_KEY = 11000;
/** Upper bound of one connect attempt, so several attempts fit in the deadline. */
const ATTEMPT_TIMEOUT_MS = 5000;

interface CheckpointDocument {
  _id: string;
  position: Long | bigint | number;
}

interface ServingVersionDocument {
  _id: string;
  version: number;
}

/**
 * The production DocumentStore over the official driver. A delete is stored
 * as a tombstone `{_id, _position, _deleted: true}`, excluded from every read,
 * so a late older put cannot bring the document back.
 */
export class MongoDocumentStore implements DocumentStore {
  private readonly db: Db;
  private transactional?: Promise<boolean>;

  /**
   * Opens a client and retries the first connect with exponential backoff
   * until `connectDeadlineMs`: a MongoClient whose first connect failed stays
   * closed, so each attempt uses a new client. Meant for start-up, when the
   * database may still be booting next to the service.
   */
  static async connect(options: MongoDocumentStoreConnectOptions): Promise<MongoDocumentStore> {
    const started = Date.now();
    const deadline = started + (options.connectDeadlineMs ?? 30_000);
    let delay = options.initialRetryDelayMs ?? 250;
    for (let attempt = 1; ; attempt++) {
      const timeout = Math.max(1, Math.min(ATTEMPT_TIMEOUT_MS, deadline - Date.now()));
      // Outside the try: a malformed URI is not worth retrying.
      const client = new MongoClient(options.uri, {
        serverSelectionTimeoutMS: timeout,
        connectTimeoutMS: timeout,
        ...options.clientOptions,
        // Int64 positions come back as bigint; undefined properties are dropped as in JSON.
        useBigInt64: true,
        ignoreUndefined: true,
      });
      try {
        await client.connect();
        await client.db(options.dbName).command({ ping: 1 });
        return new MongoDocumentStore(client, options.dbName, options);
      } catch (error) {
        // The attempt failed already; a failure to close its client adds nothing to report.
        await client.close().catch(() => undefined);
        if (Date.now() + delay >= deadline) {
          throw new DocumentStoreUnavailableError(
            `Could not connect to MongoDB at ${redactCredentials(options.uri)} (database ${options.dbName}) ` +
              `after ${attempt} attempt(s) in ${Date.now() - started} ms: ${(error as Error).message}`,
            error,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, options.maxRetryDelayMs ?? 5000);
      }
    }
  }

  /**
   * Wraps a client that is already connected (e.g. shared with GridFS).
   * close() closes it. Reads cope with clients opened without `useBigInt64`.
   */
  constructor(
    private readonly client: MongoClient,
    dbName: string,
    private readonly options: MongoDocumentStoreOptions = {},
  ) {
    this.db = client.db(dbName);
  }

  async get(collection: string, id: string): Promise<StoredDocument | null> {
    const found = await this.collection(collection).findOne({ _id: id, ...NOT_DELETED });
    return found ? fromMongo(found) : null;
  }

  async getMany(collection: string, ids: readonly string[]): Promise<Map<string, StoredDocument>> {
    const coll = this.collection(collection);
    const result = new Map<string, StoredDocument>();
    if (ids.length === 0) return result;
    for (const found of await coll.find({ _id: { $in: [...ids] }, ...NOT_DELETED }).toArray()) {
      const doc = fromMongo(found);
      result.set(doc._id, doc);
    }
    return result;
  }

  async find(
    collection: string,
    filter: DocumentFilter,
    options?: FindOptions,
  ): Promise<StoredDocument[]> {
    const coll = this.collection(collection);
    const query = toMongoFilter(parseFilter(filter));
    const { sort, limit, skip } = parseFindOptions(options);
    // MongoDB reads limit 0 as "no limit"; the port means none.
    if (limit === 0) return [];
    const found = await coll.find(query, { sort: toMongoSort(sort), limit, skip }).toArray();
    return found.map(fromMongo);
  }

  async count(collection: string, filter: DocumentFilter = {}): Promise<number> {
    const coll = this.collection(collection);
    return coll.countDocuments(toMongoFilter(parseFilter(filter)));
  }

  /** createIndex is a no-op when an index with the same keys exists, which makes this idempotent. */
  async ensureIndex(collection: string, index: IndexSpec): Promise<void> {
    const coll = this.collection(collection);
    const fields = Object.entries(index.fields ?? {});
    if (fields.length === 0) {
      throw new InvalidDocumentStoreInputError(`Index on ${collection} names no field`);
    }
    for (const [path, direction] of fields) {
      assertFieldPath(path);
      if (direction !== 1 && direction !== -1) {
        throw new InvalidDocumentStoreInputError(
          `Index on ${collection}.${path}: direction must be 1 or -1`,
        );
      }
    }
    await coll.createIndex(Object.fromEntries(fields));
  }

  async applyBatch(
    batches: readonly CollectionWrites[],
    position: bigint,
    checkpoint?: Checkpoint,
  ): Promise<void> {
    // Everything is validated before the first write: without a transaction
    // a half-written batch could not be taken back.
    const writes = prepareWrites(batches, position);
    if (checkpoint) {
      assertCheckpointName(checkpoint.name);
      assertPosition(checkpoint.position, 'checkpoint position');
    }
    if (await this.usesTransactions()) {
      await this.client.withSession((session) =>
        session.withTransaction(async () => {
          for (const [collection, collectionWrites] of writes) {
            await this.writeInTransaction(collection, collectionWrites, position, session);
          }
          if (checkpoint) await this.saveCheckpoint(checkpoint, session);
        }),
      );
      return;
    }
    // No transactions (standalone server): documents first, checkpoint last.
    // A crash in between leaves the checkpoint behind the documents, so the
    // runner replays events that are already applied, and the position guard
    // turns each of those writes into a no-op. The other order could store a
    // checkpoint for writes that never happened, and they would be lost.
    for (const [collection, collectionWrites] of writes) {
      await this.writeGuarded(collection, collectionWrites, position);
    }
    if (checkpoint) await this.saveCheckpoint(checkpoint);
  }

  async getCheckpoint(name: string): Promise<bigint | null> {
    assertCheckpointName(name);
    const found = await this.db.collection<CheckpointDocument>(CHECKPOINTS).findOne({ _id: name });
    return found ? positionFromMongo(found.position) : null;
  }

  async deleteCheckpoint(name: string): Promise<void> {
    assertCheckpointName(name);
    await this.db.collection<CheckpointDocument>(CHECKPOINTS).deleteOne({ _id: name });
  }

  async getServingVersion(readModel: string): Promise<number | null> {
    assertCollectionName(readModel, 'read model name');
    const found = await this.db
      .collection<ServingVersionDocument>(SERVING_VERSIONS)
      .findOne({ _id: readModel });
    return found ? Number(found.version) : null;
  }

  /** One document per read model: a single-document write is atomic for every reader. */
  async setServingVersion(readModel: string, version: number): Promise<void> {
    assertCollectionName(readModel, 'read model name');
    assertServingVersion(version);
    await this.db
      .collection<ServingVersionDocument>(SERVING_VERSIONS)
      .updateOne({ _id: readModel }, { $set: { version } }, { upsert: true });
  }

  /** The driver treats dropping a missing collection as success. */
  async dropCollection(collection: string): Promise<void> {
    assertCollectionName(collection);
    await this.db.dropCollection(collection);
  }

  /** Read model collections only: bookkeeping, system and GridFS (`x.files`) collections fail the name rule. */
  async listCollections(): Promise<string[]> {
    const found = await this.db
      .listCollections({ type: 'collection' }, { nameOnly: true })
      .toArray();
    return found
      .map((info) => info.name)
      .filter(isCollectionName)
      .sort();
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private collection(name: string): Collection<MongoStoredDocument> {
    assertCollectionName(name);
    return this.db.collection<MongoStoredDocument>(name);
  }

  private usesTransactions(): Promise<boolean> {
    const mode = this.options.transactions ?? 'auto';
    if (mode !== 'auto') return Promise.resolve(mode === 'always');
    this.transactional ??= this.db.command({ hello: 1 }).then(
      (hello) => typeof hello.setName === 'string' || hello.msg === 'isdbgrid',
      (error: unknown) => {
        this.transactional = undefined; // ask again next time rather than fail forever
        throw error;
      },
    );
    return this.transactional;
  }

  /**
   * Inside a transaction a duplicate key error aborts the whole transaction
   * (SERVER-34059), so the guard cannot rely on it here: read the stored
   * positions in the transaction's snapshot and send only the newer writes.
   * A concurrent writer touching the same documents causes a write conflict,
   * which withTransaction retries from the start.
   */
  private async writeInTransaction(
    collection: string,
    writes: readonly PreparedWrite[],
    position: bigint,
    session: ClientSession,
  ): Promise<void> {
    const coll = this.collection(collection);
    const stored = await coll
      .find(
        { _id: { $in: writes.map((write) => write.id) } },
        { session, projection: { _position: 1 } },
      )
      .toArray();
    const storedPositions = new Map(
      stored.map((doc) => [doc._id, positionFromMongo(doc._position)]),
    );
    const newer = writes.filter((write) => (storedPositions.get(write.id) ?? -1n) < position);
    if (newer.length === 0) return;
    await coll.bulkWrite(
      newer.map((write) => guardedReplace(write, position)),
      { ordered: false, session },
    );
  }

  /**
   * Outside a transaction a duplicate key on the guarded upsert means either
   * "the stored document is not older" (skip) or "another writer inserted the
   * document between our match and our insert". One retry of just those
   * writes tells them apart: against an existing document the filter now
   * matches if ours is newer, and a second duplicate key means it is not.
   */
  private async writeGuarded(
    collection: string,
    writes: readonly PreparedWrite[],
    position: bigint,
  ): Promise<void> {
    const coll = this.collection(collection);
    const operations = writes.map((write) => guardedReplace(write, position));
    const conflicted = await bulkWriteSkippingDuplicates(coll, operations);
    if (conflicted.length > 0) await bulkWriteSkippingDuplicates(coll, conflicted);
  }

  private async saveCheckpoint(checkpoint: Checkpoint, session?: ClientSession): Promise<void> {
    await this.db
      .collection<CheckpointDocument>(CHECKPOINTS)
      .updateOne(
        { _id: checkpoint.name },
        { $set: { position: Long.fromBigInt(checkpoint.position) } },
        { upsert: true, session },
      );
  }
}

/**
 * Unordered bulk write (independent documents, so one failure must not stop
 * the rest). Returns the operations that failed with a duplicate key; any
 * other write error, or a write concern error, is thrown.
 */
async function bulkWriteSkippingDuplicates(
  coll: Collection<MongoStoredDocument>,
  operations: AnyBulkWriteOperation<MongoStoredDocument>[],
): Promise<AnyBulkWriteOperation<MongoStoredDocument>[]> {
  try {
    await coll.bulkWrite(operations, { ordered: false });
    return [];
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) throw error;
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    const onlyDuplicates =
      writeErrors.length > 0 &&
      writeErrors.every((writeError) => writeError.code === DUPLICATE_KEY) &&
      error.result?.getWriteConcernError() === undefined;
    if (!onlyDuplicates) throw error;
    return writeErrors.map((writeError) => operations[writeError.index]);
  }
}

/** Keeps a password in the URI out of error messages and logs. */
function redactCredentials(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}
