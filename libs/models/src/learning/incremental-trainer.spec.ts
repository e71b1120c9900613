import { liveModelFromFiles } from './champion.locator';
import { IncrementalTrainer } from './incremental-trainer';
import type { Interaction } from './interaction';
import { LiveModelSlot } from './live-model.slot';
import { RING_ITEMS, ringChampionFiles, ringItemIds } from './ring-champion.fixture';

/**
 * A tiny shop where every shopper walks the items in a ring (i -> i+1): a
 * small SASRec learns it, then the trainer gets more of the same walk. With
 * a sane step size the update is swapped in; with a step size that wrecks
 * the weights the holdout metric falls, and the serving weights must stay.
 */
const ITEMS = RING_ITEMS;
const itemIds = ringItemIds;

const championFiles = () => ringChampionFiles(40);

async function championSlot(): Promise<LiveModelSlot> {
  const slot = new LiveModelSlot('ring', 0);
  slot.swap(await liveModelFromFiles(await championFiles(), 1));
  return slot;
}

/** Shoppers walking the ring from different starting points. */
function ringWalks(shoppers: number, steps: number, offset = 0): Interaction[] {
  const out: Interaction[] = [];
  let position = offset;
  for (let k = 0; k < steps; k++) {
    for (let s = 0; s < shoppers; s++) {
      out.push({ shopperId: `s${s}`, itemId: itemIds[(s + k) % ITEMS]!, position: String(++position), recordedAtMs: Date.now() });
    }
  }
  return out;
}

const scoresOf = (slot: LiveModelSlot) => slot.current!.servable.scoreItems(['sku-0', 'sku-1'], itemIds);

describe('IncrementalTrainer', () => {
  jest.setTimeout(120_000);

  it('given an update whose step size wrecks the weights, when its holdout metric is worse, then the serving weights stay and the event says why', async () => {
    const slot = await championSlot();
    const before = slot.current!;
    const scoresBefore = scoresOf(slot);
    const trainer = new IncrementalTrainer(slot, { holdoutCases: 40, replayRatio: 0, epochs: 3, learningRate: 0.9, tolerance: 0, stepSize: 32 });

    const outcome = await trainer.update(ringWalks(20, 6));

    expect(outcome.event).toBeDefined();
    expect(outcome.event!.examples).toBeGreaterThan(0);
    expect(outcome.event!.metric.value).toBeLessThan(outcome.event!.servingMetric.value);
    expect(outcome.event!.swapped).toBe(false);
    expect(outcome.event!.reason).toMatch(/^worse: ndcg@10 /);
    expect(slot.current!.servable).toBe(before.servable);
    expect(slot.current!.increment).toBe(0);
    expect(scoresOf(slot)).toEqual(scoresBefore);
  });

  it('given a sane update on more of the same traffic, when it is not worse, then it is swapped in as the next increment', async () => {
    const slot = await championSlot();
    const before = slot.current!;
    const trainer = new IncrementalTrainer(slot, { holdoutCases: 40, replayRatio: 1, epochs: 1, learningRate: 0.001, tolerance: 0.02, stepSize: 32 });

    const outcome = await trainer.update(ringWalks(20, 6));

    expect(outcome.event!.swapped).toBe(true);
    expect(outcome.event!.reason).toMatch(/^not worse/);
    expect(outcome.event!.holdoutCases).toBe(40);
    expect(slot.current!.servable).not.toBe(before.servable);
    expect(slot.current!.increment).toBe(1);
    expect(slot.label()).toBe('ring@1+1');
    expect(outcome.stepMs.length).toBeGreaterThan(0);
  });

  it('given the weights cannot be stored, when an update would be swapped in, then the update fails and the serving weights stay', async () => {
    const slot = await championSlot();
    const before = slot.current!;
    const full = { put: async () => Promise.reject(new Error('ENOSPC: no space left on device')) };
    const trainer = new IncrementalTrainer(
      slot,
      { holdoutCases: 40, replayRatio: 1, epochs: 1, learningRate: 0.001, tolerance: 1, stepSize: 32 },
      undefined,
      full,
    );

    await expect(trainer.update(ringWalks(20, 6))).rejects.toThrow(/^ENOSPC/);

    expect(slot.current).toBe(before);
    expect(slot.label()).toBe('ring@1');
  });

  it('given a promotion reloads the slot during an update, when the update would be swapped in, then it is recorded as superseded and the new champion stays', async () => {
    const files = await championFiles();
    // No grace period: the update's lease alone keeps the replaced weights alive until it ends.
    const slot = new LiveModelSlot('ring', 0);
    slot.swap(await liveModelFromFiles(files, 1));
    const promoted = await liveModelFromFiles(files, 2);
    const trainer = new IncrementalTrainer(slot, { holdoutCases: 40, replayRatio: 1, epochs: 1, learningRate: 0.001, tolerance: 1, stepSize: 32 });

    const updating = trainer.update(ringWalks(20, 6));
    // After the update has read the slot (synchronously, first thing), before it ends (it yields between steps).
    setImmediate(() => slot.swap(promoted));
    const outcome = await updating;

    expect(outcome.event).toMatchObject({ version: 1, increment: 1, swapped: false });
    expect(outcome.event!.reason).toMatch(/^superseded: ring@2 was loaded during the update \(not worse/);
    expect(slot.current).toBe(promoted);
    expect(slot.current!.attempts).toBe(0);
  });
});
