import type Database from 'better-sqlite3';

/**
 * MongoDB indexes each element of an array field ("multikey"); SQLite's
 * expression indexes see an array as one JSON text, so `{categoryKeys: 'Shoes'}`
 * had to json_each every document: ~60 ms per query at 10k items, several
 * per recommendation. For every indexed field path this keeps a side table
 * of (path, element value, element type, document id), written in the same
 * transaction as the documents, which the query uses for equality and `$in`
 * on array elements (sqlite-document-query.ts).
 *
 * Declared paths live in `docstore_array_paths`, so every connection writing
 * the collection maintains them; they are read once per batch, because
 * another connection may declare one at any time.
 */
export const ARRAY_PATHS = 'docstore_array_paths';
export const arrayIndexTable = (collection: string) => `rmk_${collection}`;

type Statement = (sql: string) => Database.Statement;

export class SqliteArrayIndex {
  constructor(
    private readonly db: Database.Database,
    private readonly statement: Statement,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS ${ARRAY_PATHS} (collection TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY (collection, path)) STRICT`);
  }

  /** Paths indexed element by element in `collection` (none: no side table). */
  paths(collection: string): string[] {
    const rows = this.statement(`SELECT path FROM ${ARRAY_PATHS} WHERE collection = ? ORDER BY path`).all(
      collection,
    ) as { path: string }[];
    return rows.map((row) => row.path);
  }

  /** Of the declared paths, those where some document holds an array element now. */
  populatedPaths(collection: string): string[] {
    const rows = this.statement(
      `SELECT p.path FROM ${ARRAY_PATHS} AS p WHERE p.collection = ?
         AND EXISTS (SELECT 1 FROM ${arrayIndexTable(collection)} AS k WHERE k.path = p.path)`,
    ).all(collection) as { path: string }[];
    return rows.map((row) => row.path);
  }

  /** Declares `path` (inside the caller's transaction) and indexes the documents already there. */
  declare(collection: string, documentsTable: string, path: string): void {
    const side = arrayIndexTable(collection);
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${side} (
         path TEXT NOT NULL, value ANY, type TEXT NOT NULL, id TEXT NOT NULL,
         PRIMARY KEY (path, value, type, id)
       ) WITHOUT ROWID`,
    );
    this.db.exec(`CREATE INDEX IF NOT EXISTS ${side}_by_id ON ${side} (id)`);
    const added = this.statement(`INSERT OR IGNORE INTO ${ARRAY_PATHS} (collection, path) VALUES (?, ?)`).run(
      collection,
      path,
    );
    if (added.changes === 0) return;
    this.statement(
      `INSERT OR IGNORE INTO ${side} (path, value, type, id)
       SELECT ?, e.value, e.type, t.id FROM ${documentsTable} AS t, json_each(t.doc, ?) AS e
       WHERE t.deleted = 0 AND json_type(t.doc, ?) = 'array' AND e.type NOT IN ('object', 'array')`,
    ).run(path, `$.${path}`, `$.${path}`);
  }

  /** The document's elements after a write that changed it; `doc` null for a delete. */
  replace(collection: string, paths: readonly string[], id: string, doc: Record<string, unknown> | null): void {
    const side = arrayIndexTable(collection);
    this.statement(`DELETE FROM ${side} WHERE id = ?`).run(id);
    if (doc === null) return;
    const insert = this.statement(`INSERT OR IGNORE INTO ${side} (path, value, type, id) VALUES (?, ?, ?, ?)`);
    for (const path of paths) {
      const value = valueAt(doc, path);
      if (!Array.isArray(value)) continue;
      for (const element of value) {
        const entry = elementEntry(element);
        if (entry) insert.run(path, entry.value, entry.type, id);
      }
    }
  }

  drop(collection: string): void {
    this.db.exec(`DROP TABLE IF EXISTS ${arrayIndexTable(collection)}`);
    this.statement(`DELETE FROM ${ARRAY_PATHS} WHERE collection = ?`).run(collection);
  }
}

function valueAt(doc: Record<string, unknown>, path: string): unknown {
  let current: unknown = doc;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The value and type json_each would give for one element; nested objects and arrays are not indexed. */
function elementEntry(element: unknown): { value: string | number | null; type: string } | null {
  if (element === null) return { value: null, type: 'null' };
  if (typeof element === 'string') return { value: element, type: 'text' };
  if (typeof element === 'number') return { value: element, type: Number.isInteger(element) ? 'integer' : 'real' };
  if (typeof element === 'boolean') return { value: element ? 1 : 0, type: element ? 'true' : 'false' };
  return null;
}
