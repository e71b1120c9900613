/**
 * The one behaviour both ModelArtifactStore adapters are held to: files
 * always, GridFS when MONGODB_URI is set. Model names carry a random suffix
 * and every test deletes what it stored: a shared server may hold other
 * runs' artifacts.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  type ArtifactFiles,
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
    const stored: { model: string; version: number }[] = [];
    const newModel = () => `contract-${randomBytes(4).toString('hex')}`;
    const put = async (model: string, version: number, files: ArtifactFiles) => {
      stored.push({ model, version });
      return store.put({ model, version }, files);
    };
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

    it('refuses names that could escape the store, naming the field', async () => {
      await expect(store.put({ model: '../etc', version: 1 }, v1Files())).rejects.toThrow(/^model: /);
      await expect(store.put({ model: newModel(), version: 0 }, v1Files())).rejects.toThrow(/^version: /);
      await expect(store.put({ model: newModel(), version: 1 }, { '../x': text('x') })).rejects.toThrow(/^files: /);
      await expect(store.put({ model: newModel(), version: 1 }, {})).rejects.toThrow(/^files: /);
    });
  });
}
