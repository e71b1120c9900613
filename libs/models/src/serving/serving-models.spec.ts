import type { EventStore } from '@pulse/platform/event-store/event-store.port';
import type { ModelStreamEvent } from '../learning/starting-weights';
import {
  type ArtifactFiles,
  type ArtifactKey,
  artifactKeyString,
  ArtifactNotFoundError,
  type ModelArtifactStore,
} from '../registry/model-artifact-store.port';
import type { ModelRegistry } from '../registry/model-registry';
import type { ModelRegistryState } from '../registry/model-registry.decider';
import { metadataFile, sequencesFile } from './model-artifact-codec';
import { ServableModel } from './servable-model';
import { ServingModels } from './serving-models';

/**
 * The serving holder with the learning loop's replacements: real
 * ServableModels (a popularity baseline, refitted from its sequences in
 * milliseconds), a registry whose champion the test sets, the model's stream
 * and artifacts held in memory.
 */
const ITEMS = ['a', 'b', 'c', 'd'];
/** Two sequences: b twice, then a, c, d once. */
const AS_TRAINED = { offsets: [0, 3, 5], items: [0, 1, 2, 1, 3] };
/** What an update learned: d is now the most popular. */
const UPDATED = { offsets: [0, 3, 6], items: [3, 3, 0, 3, 2, 1] };

function artifactOf(version: number, sequences = AS_TRAINED): ArtifactFiles {
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
    ...sequencesFile(Int32Array.from(sequences.offsets), Int32Array.from(sequences.items)),
  };
}

/** A swapped-in update as the learning loop records it, naming its stored files. */
const swappedUpdate = (version: number, increment: number): ModelStreamEvent => ({
  type: 'ModelIncrementallyUpdated',
  data: { model: 'shop', version, increment, swapped: true, artifact: { store: 'files', key: `shop/${version}+${increment}` } },
});

function holder() {
  let champion = 1;
  const stream: ModelStreamEvent[] = [{ type: 'ModelPromoted', data: { model: 'shop', version: 1 } }];
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
  const events = { readStream: async () => [...stream] } as unknown as EventStore;
  const files = new Map<string, ArtifactFiles>([
    ['shop/1', artifactOf(1)],
    ['shop/2', artifactOf(2)],
  ]);
  const artifacts = {
    kind: 'files',
    get: async (key: ArtifactKey) => {
      const found = files.get(artifactKeyString(key));
      if (!found) throw new ArtifactNotFoundError(key);
      return found;
    },
  } as unknown as ModelArtifactStore;
  const warnings: string[] = [];
  const serving = new ServingModels(events, registry, artifacts, (level, message) => {
    if (level === 'warn') warnings.push(message);
  });
  return {
    serving,
    warnings,
    promote: (version: number) => {
      champion = version;
      stream.push({ type: 'ModelPromoted', data: { model: 'shop', version } });
    },
    rollBack: (fromVersion: number, toVersion: number) => {
      champion = toVersion;
      stream.push({ type: 'ModelRolledBack', data: { model: 'shop', fromVersion, toVersion } });
    },
    /** The learning loop stored an update's files and recorded it. */
    updated: (version: number, increment: number, stored = true) => {
      if (stored) files.set(`shop/${version}+${increment}`, artifactOf(version, UPDATED));
      stream.push(swappedUpdate(version, increment));
    },
  };
}

/** What a lease's model scores for one history, with the lease released. */
function scoresServed(serving: ServingModels): { label: string; scores: (number | undefined)[] } {
  const lease = serving.acquire('shop')!;
  try {
    return { label: lease.model.label, scores: lease.model.scoreItems(['a'], ITEMS) };
  } finally {
    lease.release();
  }
}

async function scoresOf(files: ArtifactFiles): Promise<(number | undefined)[]> {
  const model = await ServableModel.fromFiles(files);
  try {
    return model.scoreItems(['a'], ITEMS);
  } finally {
    model.dispose();
  }
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

describe('ServingModels after a restart', () => {
  it('given an update of the champion stored by the learning loop, when the holder starts, then it serves the updated weights under their increment', async () => {
    const { serving, updated, warnings } = holder();
    updated(1, 2);
    updated(1, 5);

    await serving.refresh('shop');

    const served = scoresServed(serving);
    expect(served.label).toBe('shop@1+5');
    expect(served.scores).toEqual(await scoresOf(artifactOf(1, UPDATED)));
    expect(served.scores).not.toEqual(await scoresOf(artifactOf(1)));
    expect(serving.status()[0]).toMatchObject({ servingVersion: 1, servingIncrement: 5, championVersion: 1 });
    expect(warnings).toEqual([]);
    // The learning loop, restarted from the same fold, numbers its next update after it: accepted.
    const next = await ServableModel.fromFiles(artifactOf(1, UPDATED), { increment: 6 });
    expect(serving.replace('shop', next)).toEqual({ replace: true });
    await serving.stop();
  });

  it("given the latest update's files are gone, when the holder starts, then the champion as trained serves and a warning names the update", async () => {
    const { serving, updated, warnings } = holder();
    updated(1, 1);
    updated(1, 2, false);

    await serving.refresh('shop');

    const served = scoresServed(serving);
    expect(served.label).toBe('shop@1');
    expect(served.scores).toEqual(await scoresOf(artifactOf(1)));
    expect(serving.status()[0]).not.toHaveProperty('loadError');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^model shop: cannot load the learning loop's update shop@1\+2 \(files shop\/1\+2\): no artifact stored for shop version 1 increment 2; starting from shop@1 as trained$/);
    await serving.stop();
  });

  it("given updates of two versions, when a promotion loads, then the new champion serves from its own latest update, and a rollback from the old one's", async () => {
    const { serving, promote, rollBack, updated } = holder();
    updated(1, 3);
    updated(2, 1);
    await serving.refresh('shop');
    expect(scoresServed(serving).label).toBe('shop@1+3');

    promote(2);
    await serving.refresh('shop');
    expect(scoresServed(serving).label).toBe('shop@2+1');

    rollBack(2, 1);
    await serving.refresh('shop');
    expect(scoresServed(serving).label).toBe('shop@1+3');
    await serving.stop();
  });
});

describe('ServingModels following updates stored by another process', () => {
  it('given the champion serving as trained, when a later stored update is recorded, then a refresh serves it', async () => {
    const { serving, updated } = holder();
    await serving.refresh('shop');
    updated(1, 3);

    await serving.refresh('shop');

    const served = scoresServed(serving);
    expect(served.label).toBe('shop@1+3');
    expect(served.scores).toEqual(await scoresOf(artifactOf(1, UPDATED)));
    await serving.stop();
  });

  it("given this process's learning loop already serves a later update, when an earlier update's event arrives, then the later one keeps serving", async () => {
    const { serving, updated } = holder();
    await serving.refresh('shop');
    const ours = await ServableModel.fromFiles(artifactOf(1, UPDATED), { increment: 4 });
    serving.replace('shop', ours);
    updated(1, 3);

    await serving.refresh('shop');

    expect(scoresServed(serving).label).toBe('shop@1+4');
    expect(ours.isDisposed).toBe(false);
    await serving.stop();
  });

  it("given an update serving, when a later update's files are gone, then the serving update stays rather than the version as trained", async () => {
    const { serving, updated, warnings } = holder();
    updated(1, 1);
    await serving.refresh('shop');
    updated(1, 2, false);

    await serving.refresh('shop');

    expect(scoresServed(serving).label).toBe('shop@1+1');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/update shop@1\+2/);
    await serving.stop();
  });
});
