import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileModelArtifactStore } from './file-model-artifact-store.adapter';
import { describeModelArtifactStoreContract } from './model-artifact-store.contract';

const root = mkdtempSync(join(tmpdir(), 'pulse-artifacts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeModelArtifactStoreContract('FileModelArtifactStore contract', async () => new FileModelArtifactStore(root));

describe('FileModelArtifactStore', () => {
  it("lays a version out as tfjs's model.json + weights.bin under <root>/<model>/<version>, keeping only the current files", async () => {
    const store = new FileModelArtifactStore(root);
    await store.put({ model: 'layout', version: 4 }, { 'model.json': new Uint8Array([123, 125]), 'weights.bin': new Uint8Array([1]) });
    await store.put({ model: 'layout', version: 4 }, { 'model.json': new Uint8Array([123, 125]), 'weights.bin': new Uint8Array([2]) });
    expect(readdirSync(join(root, 'layout')).filter((n) => !n.startsWith('.'))).toEqual(['4']);
    expect(readdirSync(join(root, 'layout')).filter((n) => n.startsWith('.'))).toHaveLength(1); // the replaced set is gone
    expect(readdirSync(join(root, 'layout', '4')).sort()).toEqual(['model.json', 'weights.bin']);
    expect(readFileSync(join(root, 'layout', '4', 'weights.bin'))).toEqual(Buffer.from([2]));
    await store.delete({ model: 'layout', version: 4 });
    expect(existsSync(join(root, 'layout', '4'))).toBe(false);
    expect(readdirSync(join(root, 'layout'))).toEqual([]);
  });

  it("lays a version's increment out beside it as <root>/<model>/<version>+<increment>", async () => {
    const store = new FileModelArtifactStore(root);
    await store.put({ model: 'increments', version: 4 }, { 'model.json': new Uint8Array([1]) });
    await store.put({ model: 'increments', version: 4, increment: 7 }, { 'model.json': new Uint8Array([2]) });
    expect(readdirSync(join(root, 'increments')).filter((n) => !n.startsWith('.')).sort()).toEqual(['4', '4+7']);
    expect(readFileSync(join(root, 'increments', '4+7', 'model.json'))).toEqual(Buffer.from([2]));
    await store.delete({ model: 'increments', version: 4, increment: 7 });
    await store.delete({ model: 'increments', version: 4 });
    expect(readdirSync(join(root, 'increments'))).toEqual([]);
  });
});
