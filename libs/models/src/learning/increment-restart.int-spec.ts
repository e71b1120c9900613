import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initTf } from '@pulse/ml/runtime/tf-runtime';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import { SqliteEventStore } from '@pulse/platform/event-store/sqlite-event-store.adapter';
import { FileModelArtifactStore } from '../registry/file-model-artifact-store.adapter';
import { ModelRegistry } from '../registry/model-registry';
import { ServingModels } from '../serving/serving-models';
import { loadChampion } from './champion.locator';
import { IncrementalTrainer } from './incremental-trainer';
import type { Interaction } from './interaction';
import { type LiveModel, LiveModelSlot } from './live-model.slot';
import { ModelStreamWriter } from './model-stream.writer';
import { RING_ITEMS, ringChampionFiles, ringItemIds } from './ring-champion.fixture';

/**
 * An acknowledged update survives a restart: a SASRec champion (shoppers
 * walking a ring of items) in a registry on SQLite, its artifact in the file
 * store; the learning loop swaps an update in, stores it and records it.
 * Loading afresh, as a restarted process does, must give the updated weights
 * to the learning loop and to serving, and fall back to the champion (with a
 * warning) when the update's files are gone or broken.
 */
jest.setTimeout(180_000);

const ITEMS = RING_ITEMS;
const itemIds = ringItemIds;
const HISTORY = ['sku-0', 'sku-1', 'sku-2'];
const context = {
  correlationId: 'test',
  causationId: 'test',
  receivedAt: new Date().toISOString(),
};

const championFiles = () => ringChampionFiles(20);

/** Shoppers walking the ring backwards (i -> i-1): something the champion never saw, so an update moves the scores. */
function backwardWalks(shoppers: number, steps: number): Interaction[] {
  const out: Interaction[] = [];
  let position = 0;
  for (let k = 0; k < steps; k++) {
    for (let s = 0; s < shoppers; s++) {
      const item = itemIds[(((s - k) % ITEMS) + ITEMS) % ITEMS]!;
      out.push({
        shopperId: `s${s}`,
        itemId: item,
        position: String(++position),
        recordedAtMs: Date.now(),
      });
    }
  }
  return out;
}

const scoresOf = (model: {
  scoreItems(history: readonly string[], items: readonly string[]): (number | undefined)[];
}) => model.scoreItems(HISTORY, itemIds);

describe('a swapped update after a restart (SQLite event store, file artifact store)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let events: EventRegistry;
  let registry: ModelRegistry;
  let artifacts: FileModelArtifactStore;
  let championScores: (number | undefined)[];
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  const loaded: LiveModel[] = [];

  /** As LearningService does at start-up and after an update: load, train, store, record. */
  async function loadAndUpdate(): Promise<{
    slot: LiveModelSlot;
    event: NonNullable<Awaited<ReturnType<IncrementalTrainer['update']>>['event']>;
  }> {
    const slot = new LiveModelSlot('ring', 0);
    const live = (await loadChampion(store, artifacts, 'ring', warn))!;
    loaded.push(live);
    slot.swap(live);
    // The gate is the trainer spec's subject: accept any update here.
    const trainer = new IncrementalTrainer(
      slot,
      {
        holdoutCases: 40,
        replayRatio: 0,
        epochs: 2,
        learningRate: 0.01,
        tolerance: 1,
        stepSize: 32,
      },
      undefined,
      artifacts,
    );
    const { event } = await trainer.update(backwardWalks(20, 6));
    await new ModelStreamWriter(store, events).appendIncrementalUpdate(event!, event!.toPosition);
    loaded.push(slot.current!);
    return { slot, event: event! };
  }

  async function servedAfterRestart(): Promise<{
    label: string;
    scores: (number | undefined)[];
    warnings: string[];
  }> {
    const logged: string[] = [];
    const serving = new ServingModels(store, registry, artifacts, (level, message) => {
      if (level === 'warn') logged.push(message);
    });
    await serving.refresh('ring');
    const lease = serving.acquire('ring')!;
    try {
      return { label: lease.model.label, scores: scoresOf(lease.model), warnings: logged };
    } finally {
      lease.release();
      await serving.stop();
    }
  }

  beforeAll(async () => {
    await initTf({ log: () => undefined });
    dir = mkdtempSync(join(tmpdir(), 'pulse-increments-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    events = new EventRegistry();
    registry = new ModelRegistry(store, events);
    artifacts = new FileModelArtifactStore(join(dir, 'models'));
    const files = await championFiles();
    const at = new Date().toISOString();
    await registry.execute(
      'ring',
      {
        type: 'StartTraining',
        model: 'ring',
        kind: 'sasrec',
        params: {},
        untilPosition: '0',
        at,
        staleAfterMs: 3_600_000,
      },
      context,
    );
    const artifact = await artifacts.put({ model: 'ring', version: 1 }, files);
    await registry.execute(
      'ring',
      {
        type: 'RecordTrained',
        version: 1,
        metric: { name: 'ndcg@10', value: 0.5 },
        validation: {},
        validationCases: 0,
        dataPosition: '0',
        numItems: ITEMS,
        numSequences: 60,
        artifact,
        trainingSeconds: 1,
        backend: 'test',
        at,
      },
      context,
    );
    await registry.execute('ring', { type: 'Promote', version: 1, force: false, at }, context);
    const champion = (await loadChampion(store, artifacts, 'ring', warn))!;
    loaded.push(champion);
    championScores = scoresOf(champion.servable);
  });

  afterAll(async () => {
    for (const live of loaded) {
      live.servable.dispose();
      live.trainable.dispose();
    }
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => warnings.splice(0));

  it('given a swapped update recorded, when loaded afresh, then the learning loop and serving score with the updated weights, and the next update is numbered after it', async () => {
    const { slot, event } = await loadAndUpdate();
    expect(event).toMatchObject({
      version: 1,
      increment: 1,
      swapped: true,
      artifact: { store: 'files', key: 'ring/1+1' },
    });
    const updatedScores = scoresOf(slot.current!.servable);
    expect(updatedScores).not.toEqual(championScores);

    const restarted = (await loadChampion(store, artifacts, 'ring', warn))!;
    loaded.push(restarted);
    expect(restarted).toMatchObject({ version: 1, increment: 1, attempts: 1 });
    expect(scoresOf(restarted.servable)).toEqual(updatedScores);

    const served = await servedAfterRestart();
    expect(served.label).toBe('ring@1+1');
    expect(served.scores).toEqual(updatedScores);
    expect([...warnings, ...served.warnings]).toEqual([]);

    // A restarted loop goes on from there: its next update is 2, stored beside 1.
    const next = await loadAndUpdate();
    expect(next.event).toMatchObject({
      increment: 2,
      swapped: true,
      artifact: { key: 'ring/1+2' },
    });
    expect(next.slot.label()).toBe('ring@1+2');
    expect((await servedAfterRestart()).label).toBe('ring@1+2');
  });

  it("given serving running in another process, when this process's learning loop stores and records an update, then that serving picks it up from the event", async () => {
    const other = new ServingModels(store, registry, artifacts);
    await other.start();
    const servedLabel = () => {
      const lease = other.acquire('ring')!;
      try {
        return lease.model.label;
      } finally {
        lease.release();
      }
    };
    try {
      const before = servedLabel();
      const { slot, event } = await loadAndUpdate();
      expect(before).not.toBe(`ring@1+${event.increment}`);

      const deadline = Date.now() + 30_000;
      while (servedLabel() !== `ring@1+${event.increment}` && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(servedLabel()).toBe(`ring@1+${event.increment}`);
      const lease = other.acquire('ring')!;
      expect(scoresOf(lease.model)).toEqual(scoresOf(slot.current!.servable));
      lease.release();
    } finally {
      await other.stop();
    }
  });

  it("given the latest update's files are missing, when loaded afresh, then both sides start from the champion as trained and warn", async () => {
    const { event } = await loadAndUpdate();
    warnings.splice(0); // loading for the update may warn about an earlier test's increment
    expect(await artifacts.delete({ model: 'ring', version: 1, increment: event.increment })).toBe(
      true,
    );

    const restarted = (await loadChampion(store, artifacts, 'ring', warn))!;
    loaded.push(restarted);
    expect(restarted).toMatchObject({ version: 1, increment: 0, attempts: event.increment });
    expect(scoresOf(restarted.servable)).toEqual(championScores);
    expect(warnings).toEqual([
      `model ring: cannot load the learning loop's update ring@1+${event.increment} (files ring/1+${event.increment}): ` +
        `no artifact stored for ring version 1 increment ${event.increment}; starting from ring@1 as trained`,
    ]);

    const served = await servedAfterRestart();
    expect(served.label).toBe('ring@1');
    expect(served.scores).toEqual(championScores);
    expect(served.warnings).toHaveLength(1);
  });

  it("given the latest update's files are unreadable, when loaded afresh, then the champion as trained serves and a warning says why", async () => {
    const { event } = await loadAndUpdate();
    warnings.splice(0); // loading for the update may warn about an earlier test's increment
    const files = await artifacts.get({ model: 'ring', version: 1, increment: event.increment });
    await artifacts.put(
      { model: 'ring', version: 1, increment: event.increment },
      { ...files, 'weights.bin': files['weights.bin']!.slice(0, 100) },
    );

    const restarted = (await loadChampion(store, artifacts, 'ring', warn))!;
    loaded.push(restarted);
    expect(restarted.increment).toBe(0);
    expect(scoresOf(restarted.servable)).toEqual(championScores);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(
        `^model ring: cannot load the learning loop's update ring@1\\+${event.increment} .*; starting from ring@1 as trained$`,
      ),
    );
    expect((await servedAfterRestart()).label).toBe('ring@1');
  });
});
