/**
 * The one behaviour both ModelArtifactStore adapters are held to: files
 * always, GridFS when MONGODB_URI is set. Model names carry a random suffix
 * and every test deletes what it stored: a shared server may hold other
 * runs' artifacts.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  type ArtifactFiles,
  type ArtifactKey,
  ArtifactNotFoundError,
  type ModelArtifactStore,
} from './model-artifact-store.port';

const text = (s: string) => new TextEncoder().encode(s);
/** Every byte value, and more than one GridFS chunk (255 KiB). */
const weights = (seed: number, size = 600_000) => {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
};
/**
 * File name -> sha-256, for comparing sets: jest's toEqual walks a 600 kB
 * buffer element by element, which takes seconds.
 */
const digests = (files: ArtifactFiles) =>
  Object.fromEntries(
    Object.entries(files)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, bytes]) => [name, createHash('sha256').update(bytes).digest('hex')]),
  );
const sameBytes = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && Buffer.from(a).equals(Buffer.from(b));

export function describeModelArtifactStoreContract(name: string, makeStore: () => Promise<ModelArtifactStore>): void {
  describe(name, () => {
    let store: ModelArtifactStore;
    const stored: ArtifactKey[] = [];
    const newModel = () => `contract-${randomBytes(4).toString('hex')}`;
    const put = async (model: string, version: number, files: ArtifactFiles, increment?: number) => {
      const key = { model, version, ...(increment !== undefined && { increment }) };
      stored.push(key);
      return store.put(key, files);
    };
    const bytesOf = async (key: ArtifactKey, name = 'weights.bin') => Buffer.from((await store.get(key))[name]!);
    const v1Files = () => ({
      'model.json': text('{"modelTopology":{"v":1}}'),
      'weights.bin': weights(1),
      'metadata.json': text('{"items":["a","b"]}'),
    });

    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => {
      if (!store) return;
      for (const key of stored) await store.delete(key);
      await store.close();
    });

    it('gives back every file of a version byte for byte, with a reference naming the store', async () => {
      const model = newModel();
      const ref = await put(model, 1, v1Files());
      expect(ref).toEqual({ store: store.kind, key: `${model}/1` });
      expect(digests(await store.get({ model, version: 1 }))).toEqual(digests(v1Files()));
    });

    it('keeps versions and models apart', async () => {
      const a = newModel();
      const b = newModel();
      await put(a, 1, { 'weights.bin': weights(11, 10) });
      await put(a, 2, { 'weights.bin': weights(12, 10) });
      await put(b, 1, { 'weights.bin': weights(13, 10) });
      expect(Buffer.from((await store.get({ model: a, version: 1 }))['weights.bin']!)).toEqual(Buffer.from(weights(11, 10)));
      expect(Buffer.from((await store.get({ model: a, version: 2 }))['weights.bin']!)).toEqual(Buffer.from(weights(12, 10)));
      expect(Buffer.from((await store.get({ model: b, version: 1 }))['weights.bin']!)).toEqual(Buffer.from(weights(13, 10)));
    });

    it('throws ArtifactNotFoundError for a version never stored', async () => {
      await expect(store.get({ model: newModel(), version: 3 })).rejects.toBeInstanceOf(ArtifactNotFoundError);
    });

    it('replaces a version as a whole: files absent from the new set are gone', async () => {
      const model = newModel();
      await put(model, 1, v1Files());
      await put(model, 1, { 'model.json': text('{"v":2}'), 'weights.bin': weights(2, 1000) });
      expect(digests(await store.get({ model, version: 1 }))).toEqual(
        digests({ 'model.json': text('{"v":2}'), 'weights.bin': weights(2, 1000) }),
      );
    });

    it('a reader during a replace sees the old set or the new one, never a mix', async () => {
      const model = newModel();
      const old = { 'model.json': text('old'), 'weights.bin': weights(3) };
      const next = { 'model.json': text('new'), 'weights.bin': weights(4) };
      await put(model, 1, old);
      let done = false;
      const replacing = put(model, 1, next).finally(() => (done = true));
      const seen: string[] = [];
      while (!done) {
        const files = await store.get({ model, version: 1 });
        const label = Buffer.from(files['model.json']!).toString();
        expect(sameBytes(files['weights.bin'], label === 'old' ? old['weights.bin'] : next['weights.bin'])).toBe(true);
        seen.push(label);
      }
      await replacing;
      expect(Buffer.from((await store.get({ model, version: 1 }))['model.json']!).toString()).toBe('new');
      expect(seen.every((label) => label === 'old' || label === 'new')).toBe(true);
    });

    it('deletes a version (true), then reports nothing to delete (false)', async () => {
      const model = newModel();
      await put(model, 1, v1Files());
      await put(model, 2, v1Files());
      expect(await store.delete({ model, version: 1 })).toBe(true);
      await expect(store.get({ model, version: 1 })).rejects.toBeInstanceOf(ArtifactNotFoundError);
      expect(await store.delete({ model, version: 1 })).toBe(false);
      expect(Object.keys(await store.get({ model, version: 2 }))).toEqual(['metadata.json', 'model.json', 'weights.bin']);
    });

    it("keeps a version's increments apart from the version and from each other, with a key of their own", async () => {
      const model = newModel();
      const version = await put(model, 1, { 'weights.bin': weights(21, 10) });
      const first = await put(model, 1, { 'weights.bin': weights(22, 10) }, 1);
      const second = await put(model, 1, { 'weights.bin': weights(23, 10) }, 2);
      expect([version.key, first.key, second.key]).toEqual([`${model}/1`, `${model}/1+1`, `${model}/1+2`]);
      expect(first.store).toBe(store.kind);
      expect(await bytesOf({ model, version: 1 })).toEqual(Buffer.from(weights(21, 10)));
      expect(await bytesOf({ model, version: 1, increment: 1 })).toEqual(Buffer.from(weights(22, 10)));
      expect(await bytesOf({ model, version: 1, increment: 2 })).toEqual(Buffer.from(weights(23, 10)));
      await expect(store.get({ model, version: 1, increment: 3 })).rejects.toBeInstanceOf(ArtifactNotFoundError);
      await expect(store.get({ model, version: 2, increment: 1 })).rejects.toBeInstanceOf(ArtifactNotFoundError);
    });

    it('replacing or deleting a version leaves its increments, and deleting an increment leaves the version', async () => {
      const model = newModel();
      await put(model, 1, v1Files());
      await put(model, 1, { 'model.json': text('{"increment":1}'), 'weights.bin': weights(31) }, 1);
      await put(model, 1, { 'model.json': text('{"v":"replaced"}') });
      expect(digests(await store.get({ model, version: 1, increment: 1 }))).toEqual(
        digests({ 'model.json': text('{"increment":1}'), 'weights.bin': weights(31) }),
      );

      expect(await store.delete({ model, version: 1 })).toBe(true);
      expect(await bytesOf({ model, version: 1, increment: 1 }, 'model.json')).toEqual(Buffer.from('{"increment":1}'));

      await put(model, 1, v1Files());
      expect(await store.delete({ model, version: 1, increment: 1 })).toBe(true);
      await expect(store.get({ model, version: 1, increment: 1 })).rejects.toBeInstanceOf(ArtifactNotFoundError);
      expect(await store.delete({ model, version: 1, increment: 1 })).toBe(false);
      expect(digests(await store.get({ model, version: 1 }))).toEqual(digests(v1Files()));
    });

    it("lists a version's stored increments in order, not the version's own files nor other versions' increments", async () => {
      const model = newModel();
      await put(model, 1, v1Files());
      for (const increment of [10, 2, 7]) await put(model, 1, { 'weights.bin': weights(increment, 10) }, increment);
      await put(model, 2, { 'weights.bin': weights(40, 10) }, 1);
      await put(model, 11, { 'weights.bin': weights(41, 10) }, 3);

      expect(await store.increments(model, 1)).toEqual([2, 7, 10]);
      expect(await store.increments(model, 2)).toEqual([1]);
      expect(await store.increments(model, 3)).toEqual([]);
      expect(await store.increments(newModel(), 1)).toEqual([]);
      await store.delete({ model, version: 1, increment: 7 });
      expect(await store.increments(model, 1)).toEqual([2, 10]);
      await expect(store.increments('../etc', 1)).rejects.toThrow(/^model: /);
    });

    it('refuses names that could escape the store, naming the field', async () => {
      await expect(store.put({ model: '../etc', version: 1 }, v1Files())).rejects.toThrow(/^model: /);
      await expect(store.put({ model: newModel(), version: 0 }, v1Files())).rejects.toThrow(/^version: /);
      await expect(store.put({ model: newModel(), version: 1 }, { '../x': text('x') })).rejects.toThrow(/^files: /);
      await expect(store.put({ model: newModel(), version: 1 }, {})).rejects.toThrow(/^files: /);
      await expect(store.put({ model: newModel(), version: 1, increment: 0 }, v1Files())).rejects.toThrow(/^increment: /);
      await expect(store.get({ model: newModel(), version: 1, increment: 1.5 })).rejects.toThrow(/^increment: /);
    });
  });
}
