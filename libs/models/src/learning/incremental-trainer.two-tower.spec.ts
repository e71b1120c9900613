import type { ItemFeatureTable } from '@pulse/ml/datasets/item-features';
import type { Params } from '@pulse/ml/evaluation/recommender';
import { TwoTowerRecommender } from '@pulse/ml/models/two-tower/two-tower.recommender';
import { initTf } from '@pulse/ml/runtime/tf-runtime';
import { SeededRandom } from '@pulse/ml/util/random';
import { metadataFile, tfjsFiles } from '../serving/model-artifact-codec';
import type { ServableModel } from '../serving/servable-model';
import { CATEGORIES, itemFields, itemIdOf, NUM_ITEMS, PER_CATEGORY } from '../training/categorised-shop.fixture';
import { SMALL_TWO_TOWER } from '../training/two-tower-training.fixture';
import { itemContentOf } from '../training-data/catalog-content';
import { learnableLiveModel } from './incremental-learners';
import { IncrementalTrainer, type LiveServing } from './incremental-trainer';
import type { Interaction } from './interaction';
import { LiveModelSlot } from './live-model.slot';

/**
 * A two-tower champion trained (with item content) on the categorised shop's
 * usual traffic: each shopper browses one category in order (variant v ->
 * v + 1). Then the traffic changes to a pattern it never saw: from an item,
 * shoppers go on to the same variant in the NEXT category. The learning loop
 * must learn that from the batch and swap it in; an update that wrecks the
 * weights must be kept out.
 */
const CHAMPION_SHOPPERS = 120;
const items = Array.from({ length: NUM_ITEMS }, (_, i) => itemIdOf(Math.floor(i / PER_CATEGORY), i % PER_CATEGORY));
const features: ItemFeatureTable = {
  items: items.map((_, i) => itemContentOf(itemFields(Math.floor(i / PER_CATEGORY), i % PER_CATEGORY))),
};

/** Within one category, variant after variant (the champion's world). */
const browse = ([c, v]: readonly [number, number]): [number, number] => [c, (v + 1) % PER_CATEGORY];
/** The same variant in the next category (the new pattern). */
const hop = ([c, v]: readonly [number, number]): [number, number] => [(c + 1) % CATEGORIES, v];

async function championFiles(): Promise<Record<string, Uint8Array>> {
  const random = new SeededRandom(5);
  const sequences: number[][] = Array.from({ length: CHAMPION_SHOPPERS }, (_, s) => {
    let at: [number, number] = [s % CATEGORIES, random.nextInt(PER_CATEGORY)];
    return Array.from({ length: 7 }, () => {
      const dense = at[0] * PER_CATEGORY + at[1];
      at = browse(at);
      return dense;
    });
  });
  const offsets = Int32Array.from([0, ...sequences.map((_, i) => (i + 1) * 7)]);
  const rec = new TwoTowerRecommender({ ...SMALL_TWO_TOWER, epochs: 10 });
  await rec.fit(
    { numItems: NUM_ITEMS, sequences: { offsets, items: Int32Array.from(sequences.flat()) }, kind: 'users', itemFeatures: features },
    { seed: 3 },
  );
  const files = {
    ...tfjsFiles(await rec.save()),
    ...metadataFile({
      format: 'pulse-model/1',
      model: 'shop',
      version: 1,
      kind: 'two-tower',
      params: rec.params as unknown as Params,
      items,
      storage: 'tfjs',
      untilPosition: '0',
      content: { itemsWithContent: NUM_ITEMS },
    }),
  };
  rec.dispose();
  return files;
}

/** `steps` interactions per shopper, round by round, each shopper moving by `next`. */
function walks(shoppers: number, steps: number, next: typeof hop, seed: number): Interaction[] {
  const random = new SeededRandom(seed);
  const at = Array.from({ length: shoppers }, (): [number, number] => [random.nextInt(CATEGORIES), random.nextInt(PER_CATEGORY)]);
  const out: Interaction[] = [];
  let position = 0;
  for (let k = 0; k < steps; k++) {
    for (let s = 0; s < shoppers; s++) {
      out.push({ shopperId: `s${s}`, itemId: itemIdOf(...at[s]!), position: String(++position), recordedAtMs: Date.now() });
      at[s] = next(at[s]!);
    }
  }
  return out;
}

/**
 * Hit rate @10 of a served model on each shopper's last move, after the three
 * moves before it (shorter than a cycle through the categories, so the target
 * is not in the history, which serving never recommends back).
 */
function hitRate(model: ServableModel, batch: readonly Interaction[]): number {
  const byShopper = new Map<string, string[]>();
  for (const i of batch) byShopper.set(i.shopperId, [...(byShopper.get(i.shopperId) ?? []), i.itemId]);
  let hits = 0;
  for (const path of byShopper.values()) {
    const target = path[path.length - 1]!;
    const history = path.slice(-4, -1);
    const top = model.recommend(history, 10);
    if (top.some((t) => t.itemId === target)) hits++;
  }
  return hits / byShopper.size;
}

class CapturingServing implements LiveServing {
  readonly published: ServableModel[] = [];
  replace(_name: string, model: ServableModel): { replace: true } {
    this.published.push(model);
    return { replace: true };
  }
}

describe('IncrementalTrainer with a two-tower champion', () => {
  jest.setTimeout(120_000);
  let files: Record<string, Uint8Array>;

  beforeAll(async () => {
    await initTf({ log: () => undefined });
    files = await championFiles();
  });

  async function championSlot(): Promise<LiveModelSlot> {
    const slot = new LiveModelSlot('shop', 0);
    slot.swap(await learnableLiveModel(files, 1));
    return slot;
  }

  it('given shoppers moving in a pattern the champion never saw, when the update learns it, then it is swapped in, scores higher on those cases, and the published copy still embeds new items by content', async () => {
    const slot = await championSlot();
    const champion = slot.current!.servable;
    expect(champion.embedsContent).toBe(true);
    const serving = new CapturingServing();
    const trainer = new IncrementalTrainer(
      slot,
      { holdoutCases: 60, replayRatio: 0, epochs: 4, learningRate: 0.01, tolerance: 0, stepSize: 32 },
      serving,
    );
    const batch = walks(60, 8, hop, 9);

    const outcome = await trainer.update(batch);

    const event = outcome.event!;
    expect(event.examples).toBe(60 * 7 - 60);
    expect(event.holdoutCases).toBe(60);
    expect(event.swapped).toBe(true);
    expect(event.reason).toMatch(/^not worse/);
    expect(event.metric.value).toBeGreaterThan(event.servingMetric.value + 0.2);
    expect(slot.current!.increment).toBe(1);
    expect(slot.label()).toBe('shop@1+1');
    expect(outcome.served).toEqual({ label: 'shop@1+1' });
    expect(outcome.stepMs.length).toBeGreaterThan(0);

    // What is served now, rebuilt from the published files, ranks the new moves far better than the champion.
    const published = serving.published[0]!;
    expect(hitRate(published, batch)).toBeGreaterThan(hitRate(champion, batch) + 0.3);
    // ...and still scores an item listed after training from its content.
    expect(published.embedsContent).toBe(true);
    const history = [itemIdOf(2, 0), itemIdOf(2, 1)];
    expect(published.scoreItems(history, ['new-c2'])).toEqual([undefined]);
    expect(published.addItems([['new-c2', itemContentOf(itemFields(2, 20))]])).toBe(1);
    const [score] = published.scoreItems(history, ['new-c2']);
    expect(Number.isFinite(score)).toBe(true);
    expect(slot.current!.servable.embedsContent).toBe(true);
    published.dispose();
  });

  it('given an update whose learning rate wrecks the weights, when its holdout is worse, then the champion stays', async () => {
    const slot = await championSlot();
    const before = slot.current!;
    const history = [itemIdOf(1, 2), itemIdOf(1, 3)];
    const scoresBefore = before.servable.scoreItems(history, items);
    const serving = new CapturingServing();
    const trainer = new IncrementalTrainer(
      slot,
      { holdoutCases: 60, replayRatio: 0, epochs: 3, learningRate: 5, tolerance: 0, stepSize: 32 },
      serving,
    );

    const outcome = await trainer.update(walks(60, 8, browse, 9));

    const event = outcome.event!;
    expect(event.examples).toBeGreaterThan(0);
    expect(event.swapped).toBe(false);
    expect(event.reason).toMatch(/^worse: ndcg@10 |^training loss is/);
    expect(slot.current!.servable).toBe(before.servable);
    expect(slot.current!.increment).toBe(0);
    expect(slot.current!.attempts).toBe(1);
    expect(serving.published).toEqual([]);
    expect(slot.current!.servable.scoreItems(history, items)).toEqual(scoresBefore);
  });

  it('leaves out cases the model cannot learn: a target it was not trained on, or a history of only such items', async () => {
    const slot = await championSlot();
    const trainer = new IncrementalTrainer(slot, { holdoutCases: 0, replayRatio: 0, epochs: 1, learningRate: 0.001, tolerance: 0 });
    const touch = (shopperId: string, itemId: string, position: number): Interaction => ({ shopperId, itemId, position: String(position), recordedAtMs: 0 });

    const outcome = await trainer.update([
      touch('a', 'new-1', 1),
      touch('a', 'new-2', 2), // new target: out
      touch('a', itemIdOf(0, 0), 3), // history of new items only: out
      touch('a', itemIdOf(0, 1), 4), // history has a known item, known target: in
      touch('b', itemIdOf(1, 0), 5),
      touch('b', 'new-3', 6), // new target: out
    ]);

    expect(outcome.event!.examples).toBe(1);
  });
});
