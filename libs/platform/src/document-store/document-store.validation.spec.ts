import { InvalidDocumentStoreInputError } from './document-store.errors';
import {
  assertFieldPath,
  documentForWrite,
  parseFilter,
  parseFindOptions,
  prepareWrites,
} from './document-store.validation';

describe('prepareWrites', () => {
  it('keeps the last write per document, across repeated entries for one collection', () => {
    const prepared = prepareWrites(
      [
        {
          collection: 'profiles',
          writes: [
            { op: 'put', id: 'a', doc: { v: 1 } },
            { op: 'put', id: 'b', doc: {} },
          ],
        },
        { collection: 'items', writes: [{ op: 'put', id: 'a', doc: { v: 'item' } }] },
        { collection: 'profiles', writes: [{ op: 'delete', id: 'a' }] },
      ],
      3n,
    );

    expect(prepared.get('profiles')).toEqual([
      { op: 'put', id: 'b', doc: {} },
      { op: 'delete', id: 'a' },
    ]);
    expect(prepared.get('items')).toEqual([{ op: 'put', id: 'a', doc: { v: 'item' } }]);
  });

  it.each([[-1n], [2n ** 63n], [5]])('rejects position %p', (position) => {
    expect(() => prepareWrites([], position as bigint)).toThrow(InvalidDocumentStoreInputError);
  });

  it('rejects an empty id', () => {
    expect(() =>
      prepareWrites([{ collection: 'c', writes: [{ op: 'delete', id: '' }] }], 1n),
    ).toThrow(/invalid id/);
  });
});

describe('documentForWrite', () => {
  it('drops the store-managed _id and _position', () => {
    expect(documentForWrite({ _id: 'x', _position: 4n, name: 'n' }, 'c/x')).toEqual({ name: 'n' });
  });

  it.each([
    [{ _deleted: true }, /reserved field _deleted/],
    [{ list: [1, 2n] }, /c\/x\.list\[1\] is bigint/],
    [{ 'a.b': 1 }, /Invalid key "a\.b"/],
    [{ nested: { $set: 1 } }, /Invalid key "\$set"/],
    [{ big: Infinity }, /c\/x\.big is Infinity/],
    [{ when: new Map() }, /c\/x\.when is Map/],
  ])('rejects %p', (doc, message) => {
    expect(() => documentForWrite(doc, 'c/x')).toThrow(message);
  });
});

describe('assertFieldPath', () => {
  it.each(['name', 'stats.views', '_private.x_1', '_id', '_position'])('accepts %p', (path) => {
    expect(() => assertFieldPath(path)).not.toThrow();
  });

  it.each(['', 'a..b', "a') OR 1=1", '1abc', 'a.0', '_id.x', '_position.y', '_deleted', 'a-b'])(
    'rejects %p',
    (path) => {
      expect(() => assertFieldPath(path)).toThrow(InvalidDocumentStoreInputError);
    },
  );
});

describe('parseFilter', () => {
  it('reads a bare scalar as $eq and ignores undefined operators and empty conditions', () => {
    expect(
      parseFilter({
        a: 'x',
        b: { $gt: 1, $lt: undefined },
        c: {},
        d: null,
        'e.f': { $in: [1, 'y', null] },
      }),
    ).toEqual([
      { path: 'a', conditions: [{ op: '$eq', value: 'x' }] },
      { path: 'b', conditions: [{ op: '$gt', value: 1 }] },
      { path: 'd', conditions: [{ op: '$eq', value: null }] },
      { path: 'e.f', conditions: [{ op: '$in', values: [1, 'y', null] }] },
    ]);
  });

  it.each([
    [{ a: { $regex: 'x' } }, /unsupported operator "\$regex"/],
    [{ a: { $in: 'x' } }, /\$in expects an array/],
    [{ a: { $gt: null } }, /\$gt expects a string or a finite number/],
    [{ a: { $exists: 1 } }, /\$exists expects a boolean/],
    [{ a: [1, 2] }, /expected a scalar or an operator object/],
    [{ a: { $eq: { nested: 1 } } }, /\$eq expects a string/],
  ])('rejects %p', (filter, message) => {
    expect(() => parseFilter(filter as never)).toThrow(message);
  });
});

describe('parseFindOptions', () => {
  it('ends the sort with _id ascending unless _id is already a key', () => {
    expect(parseFindOptions({ sort: { price: -1 } }).sort).toEqual([
      { path: 'price', direction: -1 },
      { path: '_id', direction: 1 },
    ]);
    expect(parseFindOptions({ sort: { _id: -1, price: 1 } }).sort).toEqual([
      { path: '_id', direction: -1 },
      { path: 'price', direction: 1 },
    ]);
    expect(parseFindOptions(undefined).sort).toEqual([{ path: '_id', direction: 1 }]);
  });

  it('rejects a direction other than 1 or -1 and a negative or fractional limit', () => {
    expect(() => parseFindOptions({ sort: { a: 0 as 1 } })).toThrow(/direction must be 1 or -1/);
    expect(() => parseFindOptions({ limit: -1 })).toThrow(/Invalid limit/);
    expect(() => parseFindOptions({ skip: 1.5 })).toThrow(/Invalid skip/);
  });
});
