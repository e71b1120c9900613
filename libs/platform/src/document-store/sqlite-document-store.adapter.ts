import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type {
  Checkpoint,
  CollectionWrites,
  DocumentFilter,
  DocumentStore,
  FindOptions,
  IndexSpec,
  StoredDocument,
} from './document-store.port';
import { InvalidDocumentStoreInputError } from './document-store.errors';
import {
  assertCheckpointName,
  assertCollectionName,
  assertFieldPath,
  assertPosition,
  assertServingVersion,
  parseFilter,
  parseFindOptions,
  prepareWrites,
} from './document-store.validation';
import { arrayIndexTable, SqliteArrayIndex } from './sqlite-array-index';
import { type ArrayIndexRef, operand, orderBySql, whereSql } from './sqlite-document-query';

export interface SqliteDocumentStoreOptions {
  /**
   * How long a statement waits for another connection's write lock before it
   * fails with SQLITE_BUSY, in ms. Default 5000. better-sqlite3 is
   * synchronous, so the wait blocks this process's event loop.
   */
  readonly busyTimeoutMs?: number;
}

/**
 * Table names. Collections get a prefix so this store can share one database
 * file with the SQLite event store (or anything else) without colliding;
 * collection names start with a letter, so `rm_<name>` never equals the
 * bookkeeping tables, and `rmix_` index names never equal a table name.
 */
const table = (collection: string) => `rm_${collection}`;
const CHECKPOINTS = 'docstore_checkpoints';
const SERVING_VERSIONS = 'docstore_serving_versions';
/** Prepared statements kept per connection; find() SQL varies with the filter, so the cache is bounded. */
const STATEMENT_CACHE_SIZE = 256;

interface DocumentRow {
  id: string;
  position: bigint;
  doc: string;
}

/**
 * The embedded DocumentStore: one table per collection,
 * `(id TEXT PRIMARY KEY, position INTEGER, deleted INTEGER, doc TEXT JSON)`.
 * A delete keeps the row as a tombstone (deleted = 1) holding its position,
 * so the position guard still sees it; reads skip tombstones.
 *
 * Documents are JSON text: a bigint, Date, NaN or class instance inside a
 * document is rejected with InvalidDocumentStoreInputError (see
 * document-store.validation.ts) rather than silently converted.
 */
export class SqliteDocumentStore implements DocumentStore {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  /**
   * Collections known to have a table on this connection. Asking sqlite_master
   * before every read and running CREATE TABLE IF NOT EXISTS before every
   * write cost ~7% of the service's CPU under ingest load. Another connection
   * may still drop a table: reads then see "no such table" and answer empty,
   * writes forget the table and retry once (see withTable).
   */
  private readonly tables = new Set<string>();
  private readonly arrayIndex: SqliteArrayIndex;

  /** `filename` is a better-sqlite3 path, or ':memory:' for a private in-memory database. */
  constructor(filename: string, options: SqliteDocumentStoreOptions = {}) {
    this.db = new Database(filename, { timeout: options.busyTimeoutMs ?? 5000 });
    // WAL lets readers (this or another process) run while one writer commits.
    this.db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL loses at most the last commits on power loss, never
    // consistency; read models and their checkpoint roll back together and
    // are replayed from the event store.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS ${CHECKPOINTS} (name TEXT PRIMARY KEY, position INTEGER NOT NULL) STRICT;
      CREATE TABLE IF NOT EXISTS ${SERVING_VERSIONS} (read_model TEXT PRIMARY KEY, version INTEGER NOT NULL) STRICT;
    `);
    this.arrayIndex = new SqliteArrayIndex(this.db, (sql) => this.statement(sql));
  }

  async get(collection: string, id: string): Promise<StoredDocument | null> {
    assertCollectionName(collection);
    if (!this.exists(collection)) return null;
    const row = this.withTable(collection, undefined, () =>
      this.statement(
        `SELECT id, position, doc FROM ${table(collection)} WHERE id = ? AND deleted = 0`,
        true,
      ).get(id) as DocumentRow | undefined,
    );
    return row ? toDocument(row) : null;
  }

  async getMany(collection: string, ids: readonly string[]): Promise<Map<string, StoredDocument>> {
    assertCollectionName(collection);
    const found = new Map<string, StoredDocument>();
    if (ids.length === 0 || !this.exists(collection)) return found;
    // One JSON array parameter instead of one placeholder per id: no limit on the id count.
    const rows = this.withTable(collection, [], () =>
      this.statement(
        `SELECT id, position, doc FROM ${table(collection)}
       WHERE id IN (SELECT value FROM json_each(?)) AND deleted = 0`,
        true,
      ).all(JSON.stringify(ids)) as DocumentRow[],
    );
    for (const row of rows) found.set(row.id, toDocument(row));
    return found;
  }

  async find(
    collection: string,
    filter: DocumentFilter,
    options?: FindOptions,
  ): Promise<StoredDocument[]> {
    assertCollectionName(collection);
    const where = whereSql(parseFilter(filter), this.arrayIndexRef(collection));
    const { sort, limit, skip } = parseFindOptions(options);
    if (limit === 0 || !this.exists(collection)) return [];
    const params = [...where.params];
    let sql = `SELECT t.id, t.position, t.doc FROM ${table(collection)} AS t WHERE ${where.sql} ORDER BY ${orderBySql(sort)}`;
    if (limit !== undefined || skip !== undefined) {
      sql += ' LIMIT ? OFFSET ?';
      params.push(limit ?? -1, skip ?? 0); // LIMIT -1 means no limit
    }
    const rows = this.withTable(
      collection,
      [],
      () => this.statement(sql, true).all(...params) as DocumentRow[],
    );
    return rows.map(toDocument);
  }

  async count(collection: string, filter: DocumentFilter = {}): Promise<number> {
    assertCollectionName(collection);
    const where = whereSql(parseFilter(filter), this.arrayIndexRef(collection));
    if (!this.exists(collection)) return 0;
    return this.withTable(collection, 0, () => {
      const row = this.statement(
        `SELECT count(*) AS n FROM ${table(collection)} AS t WHERE ${where.sql}`,
      ).get(...where.params) as { n: number };
      return row.n;
    });
  }

  /**
   * An expression index on json_extract of each field, named after a hash of
   * the spec so that calling it again is a no-op. Equality, `$in`, ranges and
   * sorts on the leading field use it (see sqlite-document-query.ts).
   */
  async ensureIndex(collection: string, index: IndexSpec): Promise<void> {
    assertCollectionName(collection);
    const fields = Object.entries(index.fields ?? {});
    if (fields.length === 0) {
      throw new InvalidDocumentStoreInputError(`Index on ${collection} names no field`);
    }
    const columns = fields.map(([path, direction]) => {
      assertFieldPath(path);
      if (direction !== 1 && direction !== -1) {
        throw new InvalidDocumentStoreInputError(
          `Index on ${collection}.${path}: direction must be 1 or -1`,
        );
      }
      return `${operand(path, '').value} ${direction === 1 ? 'ASC' : 'DESC'}`;
    });
    const name = `rmix_${collection}_${createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 16)}`;
    this.db
      .transaction(() => {
        this.tables.delete(collection); // rare: check the table for real
        this.createTable(collection);
        this.db.exec(
          `CREATE INDEX IF NOT EXISTS ${name} ON ${table(collection)} (${columns.join(', ')})`,
        );
        // Any indexed field may hold arrays: index their elements too (multikey, as MongoDB does).
        for (const [path] of fields) this.arrayIndex.declare(collection, table(collection), path);
      })
      .immediate();
  }

  async applyBatch(
    batches: readonly CollectionWrites[],
    position: bigint,
    checkpoint?: Checkpoint,
  ): Promise<void> {
    const writes = prepareWrites(batches, position);
    if (checkpoint) {
      assertCheckpointName(checkpoint.name);
      assertPosition(checkpoint.position, 'checkpoint position');
    }
    // IMMEDIATE takes the write lock up front, so a concurrent writer makes us
    // wait (busy timeout) instead of failing at the first write mid-transaction.
    const write = this.db.transaction(() => {
        for (const [collection, collectionWrites] of writes) {
          this.createTable(collection);
          // The WHERE on DO UPDATE is the position guard: an equal or older write changes nothing.
          const upsert = this.statement(
            `INSERT INTO ${table(collection)} (id, position, deleted, doc) VALUES (?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE
               SET position = excluded.position, deleted = excluded.deleted, doc = excluded.doc
               WHERE excluded.position > ${table(collection)}.position`,
          );
          const arrayPaths = this.arrayIndex.paths(collection);
          for (const write of collectionWrites) {
            const changed =
              write.op === 'put'
                ? upsert.run(write.id, position, 0, JSON.stringify(write.doc))
                : upsert.run(write.id, position, 1, '{}');
            // Only a write that passed the position guard replaces the document's elements.
            if (arrayPaths.length > 0 && changed.changes > 0) {
              this.arrayIndex.replace(collection, arrayPaths, write.id, write.op === 'put' ? write.doc : null);
            }
          }
        }
        if (checkpoint) {
          this.statement(
            `INSERT INTO ${CHECKPOINTS} (name, position) VALUES (?, ?)
             ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
          ).run(checkpoint.name, checkpoint.position);
        }
      });
    try {
      write.immediate();
    } catch (error) {
      if (!isNoSuchTable(error)) throw error;
      // Another connection dropped a table we had seen: forget them all, once.
      this.tables.clear();
      write.immediate();
    }
  }

  async getCheckpoint(name: string): Promise<bigint | null> {
    assertCheckpointName(name);
    const row = this.statement(`SELECT position FROM ${CHECKPOINTS} WHERE name = ?`, true).get(
      name,
    ) as { position: bigint } | undefined;
    return row ? row.position : null;
  }

  async deleteCheckpoint(name: string): Promise<void> {
    assertCheckpointName(name);
    this.statement(`DELETE FROM ${CHECKPOINTS} WHERE name = ?`).run(name);
  }

  async getServingVersion(readModel: string): Promise<number | null> {
    assertCollectionName(readModel, 'read model name');
    const row = this.statement(`SELECT version FROM ${SERVING_VERSIONS} WHERE read_model = ?`).get(
      readModel,
    ) as { version: number } | undefined;
    return row ? row.version : null;
  }

  async setServingVersion(readModel: string, version: number): Promise<void> {
    assertCollectionName(readModel, 'read model name');
    assertServingVersion(version);
    this.statement(
      `INSERT INTO ${SERVING_VERSIONS} (read_model, version) VALUES (?, ?)
       ON CONFLICT (read_model) DO UPDATE SET version = excluded.version`,
    ).run(readModel, version);
  }

  /** Drops the table with its indexes; dropping a missing collection is a no-op. */
  async dropCollection(collection: string): Promise<void> {
    assertCollectionName(collection);
    // Cached statements on the table may stay: SQLite re-prepares them if the table comes back.
    this.db.exec(`DROP TABLE IF EXISTS ${table(collection)}`);
    this.arrayIndex.drop(collection);
    this.tables.delete(collection);
  }

  async listCollections(): Promise<string[]> {
    const rows = this.statement(
      `SELECT substr(name, 4) AS name FROM sqlite_master
       WHERE type = 'table' AND name LIKE 'rm\\_%' ESCAPE '\\' ORDER BY name`,
    ).all() as { name: string }[];
    return rows.map((row) => row.name);
  }

  async ping(): Promise<void> {
    this.statement('SELECT 1').get();
  }

  async close(): Promise<void> {
    this.statements.clear();
    if (!this.db.open) return;
    // SQLite's advice for long-lived connections: refresh the planner's
    // statistics on close, so range queries pick the expression indexes.
    this.db.pragma('optimize');
    this.db.close();
  }

  /** The collection's array element index, when it has one (see sqlite-array-index.ts). */
  private arrayIndexRef(collection: string): ArrayIndexRef | undefined {
    const paths = this.arrayIndex.paths(collection);
    if (paths.length === 0) return undefined;
    return {
      table: arrayIndexTable(collection),
      paths: new Set(paths),
      populated: new Set(this.arrayIndex.populatedPaths(collection)),
    };
  }

  private exists(collection: string): boolean {
    if (this.tables.has(collection)) return true;
    const found =
      this.statement(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(
        table(collection),
      ) !== undefined;
    if (found) this.tables.add(collection);
    return found;
  }

  /** Runs a read; if another connection dropped the table meanwhile, answers `empty`. */
  private withTable<T>(collection: string, empty: T, read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (!isNoSuchTable(error)) throw error;
      this.tables.delete(collection);
      return empty;
    }
  }

  private createTable(collection: string): void {
    if (this.tables.has(collection)) return;
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${table(collection)} (
         id TEXT NOT NULL PRIMARY KEY,
         position INTEGER NOT NULL,
         deleted INTEGER NOT NULL DEFAULT 0,
         doc TEXT NOT NULL
       ) STRICT`,
    );
    this.tables.add(collection);
  }

  /**
   * `safeIntegers` makes INTEGER columns come back as bigint: positions go up
   * to 2^63-1 and must not round through a double.
   */
  private statement(sql: string, safeIntegers = false): Database.Statement {
    const key = `${safeIntegers ? 'big' : 'num'}:${sql}`;
    let statement = this.statements.get(key);
    if (statement) {
      // Re-insert to keep the map in least-recently-used order.
      this.statements.delete(key);
    } else {
      statement = this.db.prepare(sql);
      if (safeIntegers) statement.safeIntegers(true);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) {
        this.statements.delete(this.statements.keys().next().value as string);
      }
    }
    this.statements.set(key, statement);
    return statement;
  }
}

function toDocument(row: DocumentRow): StoredDocument {
  return {
    _id: row.id,
    _position: row.position,
    ...(JSON.parse(row.doc) as Record<string, unknown>),
  };
}

/**
 * better-sqlite3's error for a statement on a missing table, matched by text
 * (its code is the generic SQLITE_ERROR) and not with instanceof: under jest
 * the addon's SqliteError may come from another realm.
 */
function isNoSuchTable(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /no such table/i.test(message);
}
