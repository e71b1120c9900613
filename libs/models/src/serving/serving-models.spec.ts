import type { EventStore } from '@pulse/platform/event-store/event-store.port';
import type { ArtifactFiles, ModelArtifactStore } from '../registry/model-artifact-store.port';
import type { ModelRegistry } from '../registry/model-registry';
import type { ModelRegistryState } from '../registry/model-registry.decider';
import { metadataFile, sequencesFile } from './model-artifact-codec';
import { ServableModel } from './servable-model';
import { ServingModels } from './serving-models';

/**
 * The serving holder with the learning loop's replacements: real
 * ServableModels (a popularity baseline, refitted from its sequences in
 * milliseconds), a registry whose champion the test sets, and artifacts
 * held in memory.
 */
const ITEMS = ['a', 'b', 'c', 'd'];

function artifactOf(version: number): ArtifactFiles {
  return {
    ...metadataFile({
      format: 'pulse-model/1',
      model: 'shop',
      version,
      kind: 'popularity',
      params: {},
      items: ITEMS,
      storage: 'sequences',
      untilPosition: '0',
    }),
    ...sequencesFile(Int32Array.from([0, 3, 5]), Int32Array.from([0, 1, 2, 1, 3])),
  };
}

function holder() {
  let champion = 1;
  const registry = {
    state: async (): Promise<ModelRegistryState> => ({
      name: 'shop',
      lastVersion: champion,
      versions: [],
      champion,
      championSince: `2026-01-0${champion}T00:00:00.000Z`,
      previousChampions: [],
    }),
    names: async () => ['shop'],
  } as unknown as ModelRegistry;
  const artifacts = { get: async (ref: { version: number }) => artifactOf(ref.version) } as unknown as ModelArtifactStore;
  const serving = new ServingModels({} as EventStore, registry, artifacts);
  return { serving, promote: (version: number) => (champion = version) };
}

describe('ServingModels with live replacements', () => {
  it('given the champion serving, when the learning loop replaces it, then new requests report the increment and a leased request finishes on the old instance', async () => {
    const { serving } = holder();
    await serving.refresh('shop');
    const inFlight = serving.acquire('shop')!;
    expect(inFlight.model.label).toBe('shop@1');

    const updated = await ServableModel.fromFiles(artifactOf(1), { increment: 1 });
    expect(serving.replace('shop', updated)).toEqual({ replace: true });

    const next = serving.acquire('shop')!;
    expect(next.model).toBe(updated);
    expect(next.model.label).toBe('shop@1+1');
    expect(serving.status()[0]).toMatchObject({ servingVersion: 1, servingIncrement: 1 });
    // The old instance still scores for the request that leased it...
    expect(inFlight.model.isDisposed).toBe(false);
    expect(inFlight.model.recommend(['a'], 2).length).toBe(2);
    // ...and goes once that request is done.
    inFlight.release();
    expect(inFlight.model.isDisposed).toBe(true);
    next.release();
    expect(updated.isDisposed).toBe(false);
  });

  it('given a newer champion serving, when a late increment of the old one arrives, then it is refused and the caller keeps it', async () => {
    const { serving, promote } = holder();
    await serving.refresh('shop');
    promote(2);
    await serving.refresh('shop');

    const late = await ServableModel.fromFiles(artifactOf(1), { increment: 3 });
    const decision = serving.replace('shop', late);

    expect(decision).toEqual({ replace: false, reason: 'weights descend from version 1, the champion is 2' });
    expect(late.isDisposed).toBe(false);
    const lease = serving.acquire('shop')!;
    expect(lease.model.label).toBe('shop@2');
    lease.release();
    late.dispose();
  });

  it('given an increment serving, when a promotion loads, then the new champion replaces it and the increment is disposed', async () => {
    const { serving, promote } = holder();
    await serving.refresh('shop');
    const updated = await ServableModel.fromFiles(artifactOf(1), { increment: 1 });
    serving.replace('shop', updated);

    promote(2);
    await serving.refresh('shop');

    const lease = serving.acquire('shop')!;
    expect(lease.model.label).toBe('shop@2');
    expect(updated.isDisposed).toBe(true);
    lease.release();
  });

  it('given weights of another model, when replacing, then it fails naming the field', async () => {
    const { serving } = holder();
    await serving.refresh('shop');
    const other = await ServableModel.fromFiles(artifactOf(1), { increment: 1 });
    expect(() => serving.replace('other', other)).toThrow(/^model: /);
    other.dispose();
  });
});
