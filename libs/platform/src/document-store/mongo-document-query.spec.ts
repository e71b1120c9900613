import { Long } from 'mongodb';
import { parseFilter, parseFindOptions } from './document-store.validation';
import {
  fromMongo,
  guardedReplace,
  positionFromMongo,
  toMongoFilter,
  toMongoSort,
} from './mongo-document-query';

const BIG = 2n ** 53n + 1n;

describe('toMongoFilter', () => {
  it('maps conditions one to one and always excludes tombstones', () => {
    const filter = toMongoFilter(
      parseFilter({
        category: 'tools',
        price: { $gte: 5, $lt: 10 },
        tags: { $in: ['a'] },
        note: { $exists: false },
      }),
    );

    expect(filter).toEqual({
      _deleted: { $ne: true },
      category: { $eq: 'tools' },
      price: { $gte: 5, $lt: 10 },
      tags: { $in: ['a'] },
      note: { $exists: false },
    });
  });
});

describe('toMongoSort', () => {
  it('keeps key order and ends with the _id tie-break', () => {
    const sort = toMongoSort(parseFindOptions({ sort: { 'stats.views': -1, name: 1 } }).sort);
    expect(Object.entries(sort)).toEqual([
      ['stats.views', -1],
      ['name', 1],
      ['_id', 1],
    ]);
  });
});

describe('guardedReplace', () => {
  it('replaces only an older document, else inserts, with the position as an exact Int64', () => {
    const operation = guardedReplace({ op: 'put', id: 'a', doc: { v: 1 } }, BIG);

    expect(operation).toEqual({
      replaceOne: {
        filter: { _id: 'a', _position: { $lt: Long.fromBigInt(BIG) } },
        replacement: { v: 1, _position: Long.fromBigInt(BIG) },
        upsert: true,
      },
    });
  });

  it('turns a delete into a tombstone that keeps the position', () => {
    expect(guardedReplace({ op: 'delete', id: 'a' }, 7n)).toEqual({
      replaceOne: {
        filter: { _id: 'a', _position: { $lt: Long.fromBigInt(7n) } },
        replacement: { _position: Long.fromBigInt(7n), _deleted: true },
        upsert: true,
      },
    });
  });
});

describe('positionFromMongo and fromMongo', () => {
  it('reads bigint, Long and safe integers exactly, and refuses anything else', () => {
    expect(positionFromMongo(BIG)).toBe(BIG);
    expect(positionFromMongo(Long.fromBigInt(BIG))).toBe(BIG);
    expect(positionFromMongo(42)).toBe(42n);
    expect(() => positionFromMongo(1.5)).toThrow(/not a 64-bit integer/);
    expect(() => positionFromMongo(undefined)).toThrow(/not a 64-bit integer/);
  });

  it('returns the port shape without the adapter-only tombstone flag', () => {
    expect(
      fromMongo({ _id: 'a', _position: Long.fromNumber(3), name: 'x', _deleted: true }),
    ).toStrictEqual({
      _id: 'a',
      _position: 3n,
      name: 'x',
    });
  });
});
