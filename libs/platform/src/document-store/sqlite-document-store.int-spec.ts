import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeDocumentStoreContract } from '@pulse/testing/contracts/document-store.contract';
import { parseFilter, parseFindOptions } from './document-store.validation';
import { SqliteDocumentStore } from './sqlite-document-store.adapter';
import { orderBySql, whereSql } from './sqlite-document-query';

const dir = mkdtempSync(join(tmpdir(), 'pulse-document-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const tempFile = () => join(dir, `store-${++files}.sqlite`);

describeDocumentStoreContract(
  'SqliteDocumentStore contract (temp file)',
  async () => new SqliteDocumentStore(tempFile()),
);

describe('SqliteDocumentStore', () => {
  let file: string;
  let store: SqliteDocumentStore;

  beforeEach(() => {
    file = tempFile();
    store = new SqliteDocumentStore(file);
  });
  afterEach(() => store.close());

  it('copes with a collection dropped by another connection after this one cached it', async () => {
    const put = (id: string, position: bigint) =>
      store.applyBatch([{ collection: 'profiles', writes: [{ op: 'put', id, doc: { id } }] }], position);
    await put('s1', 1n);
    expect(await store.get('profiles', 's1')).not.toBeNull();

    const other = new SqliteDocumentStore(file);
    await other.dropCollection('profiles');
    await other.close();

    expect(await store.get('profiles', 's1')).toBeNull();
    expect(await store.getMany('profiles', ['s1'])).toEqual(new Map());
    expect(await store.find('profiles', {})).toEqual([]);
    expect(await store.count('profiles')).toBe(0);
    await put('s2', 2n); // recreates the table instead of failing on the cached one
    expect(await store.get('profiles', 's2')).toMatchObject({ _id: 's2', id: 's2', _position: 2n });
  });

  it('rolls back every write and the checkpoint when a write fails midway through a batch', async () => {
    await store.applyBatch(
      [{ collection: 'profiles', writes: [{ op: 'put', id: 's1', doc: { v: 1 } }] }],
      1n,
      {
        name: 'profiles_projection',
        position: 1n,
      },
    );
    // A table that refuses inserts makes the second collection fail inside the
    // transaction, after the first collection's writes have run.
    const raw = new Database(file);
    raw.exec(`
      CREATE TABLE rm_broken (id TEXT NOT NULL PRIMARY KEY, position INTEGER NOT NULL,
                              deleted INTEGER NOT NULL DEFAULT 0, doc TEXT NOT NULL) STRICT;
      CREATE TRIGGER rm_broken_refuses BEFORE INSERT ON rm_broken BEGIN SELECT RAISE(ABORT, 'disk said no'); END;
    `);
    raw.close();

    // Matched on code and message, not with rejects.toThrow: jest loads the
    // better-sqlite3 native addon once per worker process, and the addon keeps
    // the SqliteError class of the first test file in that worker that opened a
    // database. When another file ran first, this error comes from that file's
    // realm, is not `instanceof Error` here, and rejects.toThrow reports
    // "Received function did not throw".
    await expect(
      store.applyBatch(
        [
          {
            collection: 'profiles',
            writes: [
              { op: 'put', id: 's1', doc: { v: 2 } },
              { op: 'put', id: 's2', doc: { v: 2 } },
            ],
          },
          { collection: 'broken', writes: [{ op: 'put', id: 'x', doc: {} }] },
        ],
        2n,
        { name: 'profiles_projection', position: 2n },
      ),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_TRIGGER', message: 'disk said no' });

    expect(await store.get('profiles', 's1')).toEqual({ _id: 's1', _position: 1n, v: 1 });
    expect(await store.get('profiles', 's2')).toBeNull();
    expect(await store.getCheckpoint('profiles_projection')).toBe(1n);
  });

  it('rejects a batch whose second collection name is invalid without writing the first', async () => {
    await expect(
      store.applyBatch(
        [
          { collection: 'profiles', writes: [{ op: 'put', id: 's1', doc: { v: 1 } }] },
          { collection: 'profiles; DROP TABLE rm_profiles', writes: [] },
        ],
        1n,
        { name: 'p', position: 1n },
      ),
    ).rejects.toThrow(/Invalid collection name/);
    expect(await store.get('profiles', 's1')).toBeNull();
    expect(await store.getCheckpoint('p')).toBeNull();
  });

  it("two instances on one file see each other's writes, checkpoints and serving versions", async () => {
    const other = new SqliteDocumentStore(file);
    try {
      await store.applyBatch(
        [{ collection: 'items', writes: [{ op: 'put', id: 'i1', doc: { t: 'a' } }] }],
        4n,
        {
          name: 'items_projection',
          position: 4n,
        },
      );
      expect(await other.get('items', 'i1')).toEqual({ _id: 'i1', _position: 4n, t: 'a' });
      expect(await other.getCheckpoint('items_projection')).toBe(4n);

      await other.applyBatch([{ collection: 'items', writes: [{ op: 'delete', id: 'i1' }] }], 5n);
      await other.setServingVersion('items', 3);
      expect(await store.get('items', 'i1')).toBeNull();
      expect(await store.getServingVersion('items')).toBe(3);

      await other.dropCollection('items');
      expect(await store.listCollections()).not.toContain('items');
      expect(await store.find('items', {})).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('shares a database file with other tables (the event store) without listing or dropping them', async () => {
    const raw = new Database(file);
    try {
      raw.exec(`CREATE TABLE IF NOT EXISTS events (position INTEGER PRIMARY KEY, data TEXT)`);
      raw.prepare(`INSERT INTO events (data) VALUES ('{}')`).run();
      await store.applyBatch(
        [{ collection: 'events', writes: [{ op: 'put', id: 'e', doc: { n: 1 } }] }],
        1n,
      );

      expect(await store.listCollections()).toEqual(['events']); // the collection, stored as rm_events
      await store.dropCollection('events');

      expect(await store.listCollections()).toEqual([]);
      expect(raw.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1 });
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('answers equality and $in (scalar and array branches) and sorts from the expression index', async () => {
    await store.ensureIndex('items', { fields: { category: 1, price: -1 } });
    const raw = new Database(file, { readonly: true });
    try {
      const plan = (filter: Parameters<typeof parseFilter>[0], sort?: Record<string, 1 | -1>) => {
        const where = whereSql(parseFilter(filter));
        const orderBy = orderBySql(parseFindOptions({ sort }).sort);
        return raw
          .prepare(
            `EXPLAIN QUERY PLAN SELECT t.id FROM rm_items AS t WHERE ${where.sql} ORDER BY ${orderBy}`,
          )
          .all(...where.params)
          .map((row) => (row as { detail: string }).detail)
          .join(' | ');
      };

      // Both branches of the array-any match are range searches on the one index.
      expect(plan({ category: 'tools' })).toMatch(
        /MULTI-INDEX OR.*SEARCH t USING INDEX rmix_items_\w+ \(<expr>=\?\).*SEARCH t USING INDEX rmix_items_\w+ \(<expr>>\? AND <expr><\?\)/,
      );
      expect(plan({ category: { $in: ['a', 'b'] } })).toMatch(/USING INDEX rmix_items_/);
      expect(plan({}, { category: 1 })).toMatch(/SCAN t USING INDEX rmix_items_/);
      expect(plan({}, { price: 1 })).not.toMatch(/INDEX rmix_items_/); // not the leading field
    } finally {
      raw.close();
    }
  });
});
