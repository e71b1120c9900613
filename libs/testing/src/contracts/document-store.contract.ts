/**
 * The one behaviour both DocumentStore adapters are held to. It runs against
 * the embedded SQLite store always and against a real MongoDB when
 * MONGODB_URI is set, so every test uses collection and checkpoint names of
 * its own (random suffix) and cleans them up: a shared server may hold other
 * runs' data.
 */
import { randomBytes } from 'node:crypto';
import {
  type DocumentStore,
  type DocumentWrite,
  InvalidDocumentStoreInputError,
  type StoredDocument,
} from '@pulse/platform/document-store';

const ids = (docs: readonly StoredDocument[]) => docs.map((doc) => doc._id);
/** Above 2^53, where a double can no longer tell neighbouring integers apart. */
const BIG = 2n ** 53n + 1n;

export function describeDocumentStoreContract(
  name: string,
  makeStore: () => Promise<DocumentStore>,
): void {
  describe(name, () => {
    let store: DocumentStore;
    const collections: string[] = [];
    const checkpoints: string[] = [];

    const unique = (base: string) => `${base}_${randomBytes(5).toString('hex')}`;
    /** A fresh collection name, dropped after the suite. */
    const newCollection = (base = 'contract') => {
      const collection = unique(base);
      collections.push(collection);
      return collection;
    };
    const newCheckpoint = () => {
      const checkpoint = unique('projection');
      checkpoints.push(checkpoint);
      return checkpoint;
    };

    const write = (collection: string, position: bigint, ...writes: DocumentWrite[]) =>
      store.applyBatch([{ collection, writes }], position);
    const put = (collection: string, id: string, doc: Record<string, unknown>, position: bigint) =>
      write(collection, position, { op: 'put', id, doc });
    const remove = (collection: string, id: string, position: bigint) =>
      write(collection, position, { op: 'delete', id });

    beforeAll(async () => {
      store = await makeStore();
    });

    afterAll(async () => {
      if (!store) return;
      for (const collection of collections) await store.dropCollection(collection);
      for (const checkpoint of checkpoints) await store.deleteCheckpoint(checkpoint);
      await store.close();
    });

    describe('put, get, getMany', () => {
      it('get returns the stored fields with _id and _position, and null for a missing id', async () => {
        const c = newCollection();
        await put(
          c,
          'a',
          { name: 'Anvil', price: 30.5, tags: ['metal'], stats: { views: 3 }, note: null },
          4n,
        );

        expect(await store.get(c, 'a')).toEqual({
          _id: 'a',
          _position: 4n,
          name: 'Anvil',
          price: 30.5,
          tags: ['metal'],
          stats: { views: 3 },
          note: null,
        });
        expect(await store.get(c, 'missing')).toBeNull();
      });

      it('getMany keys the documents found by id and leaves missing ids out', async () => {
        const c = newCollection();
        await write(
          c,
          2n,
          { op: 'put', id: 'a', doc: { n: 1 } },
          { op: 'put', id: 'b', doc: { n: 2 } },
        );

        const found = await store.getMany(c, ['b', 'missing', 'a']);

        expect([...found.keys()].sort()).toEqual(['a', 'b']);
        expect(found.get('b')).toEqual({ _id: 'b', _position: 2n, n: 2 });
        expect((await store.getMany(c, [])).size).toBe(0);
      });

      it('reads from a collection never written return nothing', async () => {
        const c = newCollection('never_written');

        expect(await store.get(c, 'a')).toBeNull();
        expect((await store.getMany(c, ['a'])).size).toBe(0);
        expect(await store.find(c, {})).toEqual([]);
        expect(await store.count(c)).toBe(0);
      });

      it('a put replaces the whole document, dropping fields it no longer has', async () => {
        const c = newCollection();
        await put(c, 'a', { name: 'old', extra: true }, 1n);
        await put(c, 'a', { name: 'new' }, 2n);

        expect(await store.get(c, 'a')).toEqual({ _id: 'a', _position: 2n, name: 'new' });
      });

      it('ignores _id and _position inside a put, so a read document can be written back', async () => {
        const c = newCollection();
        await put(c, 'a', { name: 'x' }, 1n);
        const read = (await store.get(c, 'a'))!;
        await put(c, 'a', { ...read, name: 'y', _id: 'other' }, 2n);

        expect(await store.get(c, 'a')).toEqual({ _id: 'a', _position: 2n, name: 'y' });
        expect(await store.get(c, 'other')).toBeNull();
      });
    });

    describe('position guard', () => {
      it('ignores a put at an older or equal position; a newer one wins', async () => {
        const c = newCollection();
        await put(c, 'a', { v: 'at 10' }, 10n);
        await put(c, 'a', { v: 'at 5' }, 5n);
        await put(c, 'a', { v: 'again at 10' }, 10n);
        expect(await store.get(c, 'a')).toEqual({ _id: 'a', _position: 10n, v: 'at 10' });

        await put(c, 'a', { v: 'at 11' }, 11n);
        expect(await store.get(c, 'a')).toEqual({ _id: 'a', _position: 11n, v: 'at 11' });
      });

      it('a delete hides the document from get, getMany, find and count', async () => {
        const c = newCollection();
        await write(
          c,
          1n,
          { op: 'put', id: 'a', doc: { k: 1 } },
          { op: 'put', id: 'b', doc: { k: 1 } },
        );
        await remove(c, 'a', 2n);

        expect(await store.get(c, 'a')).toBeNull();
        expect([...(await store.getMany(c, ['a', 'b'])).keys()]).toEqual(['b']);
        expect(ids(await store.find(c, { k: 1 }))).toEqual(['b']);
        expect(await store.count(c)).toBe(1);
        expect(await store.count(c, { k: 1 })).toBe(1);
      });

      it('a put at or before the delete position cannot resurrect the document', async () => {
        const c = newCollection();
        await put(c, 'a', { v: 1 }, 1n);
        await remove(c, 'a', 5n);
        await put(c, 'a', { v: 'late' }, 3n);
        await put(c, 'a', { v: 'same' }, 5n);

        expect(await store.get(c, 'a')).toBeNull();
        expect(await store.count(c)).toBe(0);
      });

      it('a put newer than the delete brings the document back with only its own fields', async () => {
        const c = newCollection();
        await put(c, 'a', { v: 1, old: true }, 1n);
        await remove(c, 'a', 2n);
        await put(c, 'a', { v: 3 }, 3n);

        expect(await store.get(c, 'a')).toEqual({ _id: 'a', _position: 3n, v: 3 });
      });

      it('a delete older than the stored document is ignored', async () => {
        const c = newCollection();
        await put(c, 'a', { v: 1 }, 5n);
        await remove(c, 'a', 3n);
        await remove(c, 'a', 5n);

        expect(await store.get(c, 'a')).toEqual({ _id: 'a', _position: 5n, v: 1 });
      });

      it('a delete of a document never written still stops an older put', async () => {
        const c = newCollection();
        await remove(c, 'a', 5n);
        await put(c, 'a', { v: 'late' }, 4n);

        expect(await store.get(c, 'a')).toBeNull();
      });

      it('within one batch the last write to a document wins', async () => {
        const c = newCollection();
        await write(
          c,
          1n,
          { op: 'put', id: 'a', doc: { v: 'first' } },
          { op: 'put', id: 'a', doc: { v: 'second' } },
          { op: 'put', id: 'b', doc: { v: 'kept?' } },
          { op: 'delete', id: 'b' },
        );

        expect(await store.get(c, 'a')).toEqual({ _id: 'a', _position: 1n, v: 'second' });
        expect(await store.get(c, 'b')).toBeNull();
      });

      it('positions above 2^53 round-trip and compare exactly', async () => {
        const c = newCollection();
        await put(c, 'a', { v: 'big' }, BIG);
        expect((await store.get(c, 'a'))?._position).toBe(BIG);

        // As doubles BIG and BIG - 1n are the same number, so a lossy guard would let this through.
        await put(c, 'a', { v: 'older' }, BIG - 1n);
        expect((await store.get(c, 'a'))?.v).toBe('big');

        await put(c, 'a', { v: 'newer' }, BIG + 1n);
        expect(await store.get(c, 'a')).toEqual({ _id: 'a', _position: BIG + 1n, v: 'newer' });
      });
    });

    describe('find and count', () => {
      const products = newCollection('products');
      const seed: Record<string, Record<string, unknown>> = {
        p1: {
          name: 'Anvil',
          price: 30,
          category: 'tools',
          tags: ['metal', 'heavy'],
          stats: { views: 10 },
          inStock: true,
        },
        p2: {
          name: 'brush',
          price: 5,
          category: 'paint',
          tags: ['sale'],
          stats: { views: 200 },
          inStock: false,
          discount: null,
        },
        p3: {
          name: 'Chisel',
          price: 12.5,
          category: 'tools',
          tags: ['metal', 'sale'],
          stats: { views: 50 },
          inStock: true,
        },
        p4: {
          name: 'drill',
          price: 120,
          category: 'tools',
          tags: [],
          stats: { views: 50 },
          inStock: 1,
          discount: 0.1,
        },
        // A string price: range and sort tests check that types do not mix.
        p5: { name: 'Easel', price: '45', category: 'art', stats: {}, inStock: false },
        p6: { name: 'Ghost', price: 1, category: 'tools', tags: ['metal'] },
      };
      const find = (
        filter: Parameters<DocumentStore['find']>[1],
        options?: Parameters<DocumentStore['find']>[2],
      ) => store.find(products, filter, options).then(ids);
      const sorted = (docs: Promise<string[]>) => docs.then((found) => [...found].sort());

      beforeAll(async () => {
        await store.applyBatch(
          [
            {
              collection: products,
              writes: Object.entries(seed).map(([id, doc]) => ({ op: 'put' as const, id, doc })),
            },
          ],
          1n,
        );
        await remove(products, 'p6', 2n); // tombstones must never match a filter
      });

      it('matches equality on strings and numbers, never tombstones', async () => {
        expect(await sorted(find({ category: 'tools' }))).toEqual(['p1', 'p3', 'p4']);
        expect(await sorted(find({ price: 5 }))).toEqual(['p2']);
        expect(await sorted(find({ price: { $eq: 12.5 } }))).toEqual(['p3']);
        expect(await find({ name: 'Ghost' })).toEqual([]);
      });

      it('keeps types apart: true does not match 1, "45" does not match 45', async () => {
        expect(await sorted(find({ inStock: true }))).toEqual(['p1', 'p3']);
        expect(await sorted(find({ inStock: 1 }))).toEqual(['p4']);
        expect(await find({ price: 45 })).toEqual([]);
        expect(await sorted(find({ price: '45' }))).toEqual(['p5']);
      });

      it('equality with null matches null and missing fields', async () => {
        expect(await sorted(find({ discount: null }))).toEqual(['p1', 'p2', 'p3', 'p5']);
      });

      it('matches $in, and an empty $in matches nothing', async () => {
        expect(await sorted(find({ category: { $in: ['paint', 'art', 'none'] } }))).toEqual([
          'p2',
          'p5',
        ]);
        expect(await sorted(find({ price: { $in: [5, 120, '45'] } }))).toEqual(['p2', 'p4', 'p5']);
        expect(await find({ category: { $in: [] } })).toEqual([]);
      });

      it('matches numeric ranges on numbers only', async () => {
        expect(await sorted(find({ price: { $gt: 10, $lte: 120 } }))).toEqual(['p1', 'p3', 'p4']);
        expect(await sorted(find({ price: { $gte: 30 } }))).toEqual(['p1', 'p4']);
        expect(await sorted(find({ price: { $lt: 12.5 } }))).toEqual(['p2']);
      });

      it('matches string ranges by code point on strings only', async () => {
        // Upper case sorts before lower case: 'Anvil' and 'Chisel' are below 'a'.
        expect(await sorted(find({ name: { $gte: 'a', $lt: 'c' } }))).toEqual(['p2']);
        expect(await sorted(find({ price: { $gte: '0' } }))).toEqual(['p5']);
      });

      it('$ne matches documents without the field, and arrays holding no such element', async () => {
        expect(await sorted(find({ category: { $ne: 'tools' } }))).toEqual(['p2', 'p5']);
        expect(await sorted(find({ discount: { $ne: null } }))).toEqual(['p4']);
        expect(await sorted(find({ tags: { $ne: 'sale' } }))).toEqual(['p1', 'p4', 'p5']);
      });

      it('$exists tells a missing field from a null one', async () => {
        expect(await sorted(find({ discount: { $exists: true } }))).toEqual(['p2', 'p4']);
        expect(await sorted(find({ discount: { $exists: false } }))).toEqual(['p1', 'p3', 'p5']);
        expect(await sorted(find({ tags: { $exists: false } }))).toEqual(['p5']);
      });

      it('follows dotted paths into nested objects', async () => {
        expect(await sorted(find({ 'stats.views': 50 }))).toEqual(['p3', 'p4']);
        expect(await sorted(find({ 'stats.views': { $gt: 40 } }))).toEqual(['p2', 'p3', 'p4']);
        expect(await sorted(find({ 'stats.views': { $exists: false } }))).toEqual(['p5']);
      });

      it('matches an array field when any element matches', async () => {
        expect(await sorted(find({ tags: 'metal' }))).toEqual(['p1', 'p3']);
        expect(await sorted(find({ tags: { $in: ['heavy', 'sale'] } }))).toEqual([
          'p1',
          'p2',
          'p3',
        ]);
      });

      it('ANDs conditions on several fields', async () => {
        expect(
          await sorted(find({ category: 'tools', price: { $lt: 100 }, tags: 'metal' })),
        ).toEqual(['p1', 'p3']);
      });

      it('filters on _id', async () => {
        expect(await sorted(find({ _id: { $in: ['p1', 'p4', 'p6', 'nope'] } }))).toEqual([
          'p1',
          'p4',
        ]);
        expect(await sorted(find({ _id: 'p2' }))).toEqual(['p2']);
      });

      it('sorts numbers ascending and descending', async () => {
        expect(await find({ category: 'tools' }, { sort: { price: 1 } })).toEqual([
          'p3',
          'p1',
          'p4',
        ]);
        expect(await find({ category: 'tools' }, { sort: { price: -1 } })).toEqual([
          'p4',
          'p1',
          'p3',
        ]);
      });

      it('sorts strings by code point ascending and descending', async () => {
        expect(await find({}, { sort: { name: 1 } })).toEqual(['p1', 'p3', 'p5', 'p2', 'p4']);
        expect(await find({}, { sort: { name: -1 } })).toEqual(['p4', 'p2', 'p5', 'p3', 'p1']);
      });

      it('sorts by several keys in order, missing values last when descending', async () => {
        expect(await find({}, { sort: { 'stats.views': -1, name: 1 } })).toEqual([
          'p2',
          'p3',
          'p4',
          'p1',
          'p5',
        ]);
        expect(await find({}, { sort: { category: 1, price: -1 } })).toEqual([
          'p5',
          'p2',
          'p4',
          'p1',
          'p3',
        ]);
      });

      it('applies skip and limit after sorting; limit 0 returns nothing', async () => {
        expect(await find({}, { sort: { name: 1 }, skip: 1, limit: 2 })).toEqual(['p3', 'p5']);
        expect(await find({}, { sort: { name: 1 }, skip: 4 })).toEqual(['p4']);
        expect(await find({}, { sort: { name: 1 }, limit: 0 })).toEqual([]);
      });

      it('orders ties by _id, so paging is stable', async () => {
        expect(await find({}, { sort: { category: 1 }, skip: 2, limit: 2 })).toEqual(['p1', 'p3']);
        expect(await find({ category: 'tools' }, { skip: 1 })).toEqual(['p3', 'p4']);
      });

      it('counts live documents, with and without a filter', async () => {
        expect(await store.count(products)).toBe(5);
        expect(await store.count(products, { tags: 'sale' })).toBe(2);
        expect(await store.count(products, { category: 'tools', inStock: true })).toBe(2);
      });
    });

    describe('indexes', () => {
      it('ensureIndex is idempotent and queries still answer the same', async () => {
        const c = newCollection();
        await store.ensureIndex(c, { fields: { category: 1, price: -1 } });
        await store.ensureIndex(c, { fields: { 'stats.views': 1 } });
        await write(
          c,
          1n,
          { op: 'put', id: 'a', doc: { category: 'x', price: 3, stats: { views: 1 } } },
          { op: 'put', id: 'b', doc: { category: ['x', 'y'], price: 9, stats: { views: 2 } } },
          { op: 'put', id: 'c', doc: { category: 'y', price: 1, stats: { views: 3 } } },
        );
        await store.ensureIndex(c, { fields: { category: 1, price: -1 } });
        await store.ensureIndex(c, { fields: { 'stats.views': 1 } });

        expect(ids(await store.find(c, { category: 'x' }, { sort: { price: -1 } }))).toEqual([
          'b',
          'a',
        ]);
        expect(
          ids(await store.find(c, { category: { $in: ['y'] } }, { sort: { price: 1 } })),
        ).toEqual(['c', 'b']);
        expect(
          ids(await store.find(c, { 'stats.views': { $gte: 2 } }, { sort: { 'stats.views': -1 } })),
        ).toEqual(['c', 'b']);
      });
    });

    describe('indexed array fields (multikey)', () => {
      it('finds documents by array element through inserts before and after the index, updates, stale writes and deletes', async () => {
        const c = newCollection();
        await put(c, 'early', { tags: ['x', 'y'], rank: 1 }, 1n); // written before the index exists
        await store.ensureIndex(c, { fields: { tags: 1, rank: -1 } });
        await write(
          c,
          2n,
          { op: 'put', id: 'a', doc: { tags: ['x', 7, true], rank: 3 } },
          { op: 'put', id: 'b', doc: { tags: ['y'], rank: 2 } },
          { op: 'put', id: 'scalar', doc: { tags: 'x', rank: 0 } },
          { op: 'put', id: 'nested', doc: { tags: [['x']], rank: 5 } },
        );
        const tagged = async (filter: Record<string, unknown>) =>
          ids(await store.find(c, filter as never, { sort: { rank: -1 } }));

        expect(await tagged({ tags: 'x' })).toEqual(['a', 'early', 'scalar']);
        expect(await tagged({ tags: 7 })).toEqual(['a']);
        expect(await tagged({ tags: '7' })).toEqual([]);
        expect(await tagged({ tags: true })).toEqual(['a']);
        expect(await tagged({ tags: { $gte: 7 } })).toEqual(['a']);
        expect(await tagged({ tags: { $lt: 'y' } })).toEqual(['a', 'early', 'scalar']);
        expect(await tagged({ tags: { $in: ['y', 7] } })).toEqual(['a', 'b', 'early']);
        expect(await store.count(c, { tags: 'y' })).toBe(2);

        await put(c, 'a', { tags: ['y'], rank: 3 }, 3n); // 'x' removed from a
        await put(c, 'b', { tags: ['x'], rank: 2 }, 2n); // stale: ignored, b keeps ['y']
        await remove(c, 'early', 4n);
        expect(await tagged({ tags: 'x' })).toEqual(['scalar']);
        expect(await tagged({ tags: 'y' })).toEqual(['a', 'b']);
        expect(await tagged({ tags: { $ne: 'y' } })).toEqual(['nested', 'scalar']);
        // `rank` is indexed too but never holds an array: plain equality still answers.
        expect(await tagged({ rank: { $in: [2, 0] } })).toEqual(['b', 'scalar']);
        expect(await tagged({ rank: 3, tags: 'y' })).toEqual(['a']);
      });
    });

    describe('applyBatch', () => {
      it('applies writes to several collections and the checkpoint together', async () => {
        const profiles = newCollection('profiles');
        const items = newCollection('items');
        const checkpoint = newCheckpoint();
        await put(items, 'gone', { v: 0 }, 1n);

        await store.applyBatch(
          [
            { collection: profiles, writes: [{ op: 'put', id: 's1', doc: { views: 1 } }] },
            {
              collection: items,
              writes: [
                { op: 'put', id: 'i1', doc: { title: 'Anvil' } },
                { op: 'delete', id: 'gone' },
              ],
            },
          ],
          7n,
          { name: checkpoint, position: 7n },
        );

        expect(await store.get(profiles, 's1')).toEqual({ _id: 's1', _position: 7n, views: 1 });
        expect(await store.get(items, 'i1')).toEqual({ _id: 'i1', _position: 7n, title: 'Anvil' });
        expect(await store.get(items, 'gone')).toBeNull();
        expect(await store.getCheckpoint(checkpoint)).toBe(7n);
      });

      it('replaying a batch at the same position changes no document', async () => {
        const c = newCollection();
        const checkpoint = newCheckpoint();
        await store.applyBatch(
          [{ collection: c, writes: [{ op: 'put', id: 'a', doc: { v: 1 } }] }],
          3n,
          {
            name: checkpoint,
            position: 3n,
          },
        );
        await store.applyBatch(
          [{ collection: c, writes: [{ op: 'put', id: 'a', doc: { v: 2 } }] }],
          3n,
          {
            name: checkpoint,
            position: 3n,
          },
        );

        expect(await store.get(c, 'a')).toEqual({ _id: 'a', _position: 3n, v: 1 });
        expect(await store.getCheckpoint(checkpoint)).toBe(3n);
      });

      it('rejects a batch with an invalid collection name and writes nothing of it', async () => {
        const c = newCollection();
        const checkpoint = newCheckpoint();

        await expect(
          store.applyBatch(
            [
              { collection: c, writes: [{ op: 'put', id: 'a', doc: { v: 1 } }] },
              { collection: 'bad name; DROP TABLE x', writes: [{ op: 'put', id: 'b', doc: {} }] },
            ],
            1n,
            { name: checkpoint, position: 1n },
          ),
        ).rejects.toBeInstanceOf(InvalidDocumentStoreInputError);
        expect(await store.get(c, 'a')).toBeNull();
        expect(await store.getCheckpoint(checkpoint)).toBeNull();
      });

      it('rejects a document holding a bigint, Date or NaN, naming the field', async () => {
        const c = newCollection();
        const attempt = (doc: Record<string, unknown>) => put(c, 'a', doc, 1n);

        await expect(attempt({ stats: { total: 5n } })).rejects.toThrow(/stats\.total is bigint/);
        await expect(attempt({ at: new Date() })).rejects.toThrow(/\.at is Date/);
        await expect(attempt({ score: Number.NaN })).rejects.toThrow(
          InvalidDocumentStoreInputError,
        );
        expect(await store.get(c, 'a')).toBeNull();
      });
    });

    describe('input validation', () => {
      it('rejects collection names and field paths that are not identifiers', async () => {
        await expect(store.get('x"; DROP TABLE y; --', 'a')).rejects.toBeInstanceOf(
          InvalidDocumentStoreInputError,
        );
        await expect(store.find(newCollection(), { "a') OR 1=1 --": 1 })).rejects.toBeInstanceOf(
          InvalidDocumentStoreInputError,
        );
        await expect(
          store.find(newCollection(), {}, { sort: { 'a..b': 1 } }),
        ).rejects.toBeInstanceOf(InvalidDocumentStoreInputError);
      });

      it('rejects operators outside the port', async () => {
        const filter = { name: { $regex: '.*' } } as unknown as Parameters<
          DocumentStore['find']
        >[1];
        await expect(store.find(newCollection(), filter)).rejects.toBeInstanceOf(
          InvalidDocumentStoreInputError,
        );
      });
    });

    describe('checkpoints', () => {
      it('is null until stored, then holds the exact position, until deleted', async () => {
        const checkpoint = newCheckpoint();
        expect(await store.getCheckpoint(checkpoint)).toBeNull();

        await store.applyBatch([], 5n, { name: checkpoint, position: 5n });
        expect(await store.getCheckpoint(checkpoint)).toBe(5n);

        await store.applyBatch([], BIG, { name: checkpoint, position: BIG });
        expect(await store.getCheckpoint(checkpoint)).toBe(BIG);

        await store.deleteCheckpoint(checkpoint);
        expect(await store.getCheckpoint(checkpoint)).toBeNull();
        await expect(store.deleteCheckpoint(checkpoint)).resolves.toBeUndefined();
      });
    });

    describe('versioned read models', () => {
      it('serving version is null, then set, then switched, per read model', async () => {
        const readModel = unique('profiles');
        const other = unique('profiles');
        expect(await store.getServingVersion(readModel)).toBeNull();

        await store.setServingVersion(readModel, 1);
        expect(await store.getServingVersion(readModel)).toBe(1);

        await store.setServingVersion(readModel, 2);
        expect(await store.getServingVersion(readModel)).toBe(2);
        expect(await store.getServingVersion(other)).toBeNull();
      });

      it('dropCollection removes a collection from listCollections and its documents with it', async () => {
        const v1 = newCollection('profiles_v1');
        const v2 = newCollection('profiles_v2');
        await put(v1, 'a', { v: 1 }, 9n);
        await put(v2, 'a', { v: 2 }, 9n);
        await store.setServingVersion(unique('profiles'), 2);
        await store.applyBatch([], 1n, { name: newCheckpoint(), position: 1n });

        const before = await store.listCollections();
        expect(before).toEqual(expect.arrayContaining([v1, v2]));
        // Bookkeeping (checkpoints, serving versions) is not a collection.
        expect(before.filter((c) => /checkpoint|serving/i.test(c))).toEqual([]);

        await store.dropCollection(v1);
        const after = await store.listCollections();
        expect(after).toContain(v2);
        expect(after).not.toContain(v1);
        expect(await store.get(v1, 'a')).toBeNull();
        await expect(store.dropCollection(v1)).resolves.toBeUndefined();

        // A dropped collection keeps no tombstones: a rebuild may start from position 1 again.
        await put(v1, 'a', { v: 'rebuilt' }, 1n);
        expect(await store.get(v1, 'a')).toEqual({ _id: 'a', _position: 1n, v: 'rebuilt' });
      });
    });

    it('ping resolves', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
