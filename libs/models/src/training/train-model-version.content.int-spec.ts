import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ContentVocabulary, DEFAULT_LAYOUT, encodeItemTable } from '@pulse/ml/models/two-tower/two-tower.features';
import { initTf } from '@pulse/ml/runtime/tf-runtime';
import { SqliteEventStore } from '@pulse/platform/event-store/sqlite-event-store.adapter';
import { FileModelArtifactStore } from '../registry/file-model-artifact-store.adapter';
import { readMetadata, tfjsArtifacts } from '../serving/model-artifact-codec';
import { ServableModel } from '../serving/servable-model';
import { buildTrainingSet } from '../training-data/training-set.builder';
import { NUM_ITEMS, writeCategorisedShop } from './categorised-shop.fixture';
import { trainModelVersion, type TrainingOutcome } from './train-model-version';
import { SMALL_TWO_TOWER } from './two-tower-training.fixture';

jest.setTimeout(120_000);

/** trainModelVersion for the two-tower kind: trained with the catalog content of the log, and the artifact says so. */
describe('trainModelVersion with item content (two-tower)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let artifacts: FileModelArtifactStore;
  let head: bigint;
  let twoTower: TrainingOutcome;
  let popularity: TrainingOutcome;

  beforeAll(async () => {
    await initTf({ log: () => undefined });
    dir = mkdtempSync(join(tmpdir(), 'pulse-two-tower-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    artifacts = new FileModelArtifactStore(join(dir, 'models'));
    head = await writeCategorisedShop(store);
    const job = { model: 'shop', untilPosition: head.toString(), seed: 3 };
    twoTower = await trainModelVersion(store, artifacts, { ...job, version: 1, kind: 'two-tower', params: SMALL_TWO_TOWER });
    popularity = await trainModelVersion(store, artifacts, { ...job, version: 2, kind: 'popularity', params: {} });
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records that the version was trained with content, and only for the content kind', async () => {
    expect(twoTower.numItems).toBe(NUM_ITEMS);
    const meta = readMetadata(await artifacts.get({ model: 'shop', version: 1 }));
    expect(meta).toMatchObject({ kind: 'two-tower', storage: 'tfjs', content: { itemsWithContent: NUM_ITEMS } });
    const baseline = readMetadata(await artifacts.get({ model: 'shop', version: 2 }));
    expect(baseline.content).toBeUndefined();
  });

  it('stores the content vocabulary and every trained item’s content rows, exactly as the log describes the items', async () => {
    const files = await artifacts.get({ model: 'shop', version: 1 });
    const saved = tfjsArtifacts(files);
    const own = saved.userDefinedMetadata as { vocabulary: string[]; params: { categorySlots: number; titleSlots: number } };
    // Category levels as the profile keys them, brands, price bands, title words.
    expect(own.vocabulary).toEqual(
      expect.arrayContaining(['c:Dept0', 'c:Dept1>Cat3', 'c:Dept0>Cat2>Sub2-1', 'b:Brand4', 'p:20-50', 't:kettle']),
    );
    const set = await buildTrainingSet(store, { untilPosition: head });
    const layout = { ...DEFAULT_LAYOUT, categorySlots: own.params.categorySlots, titleSlots: own.params.titleSlots };
    const expected = encodeItemTable(NUM_ITEMS, set.itemFeatures, new ContentVocabulary(own.vocabulary), layout);
    const weights = tf.io.decodeWeights(saved.weightData, saved.weightSpecs);
    try {
      expect(Array.from(weights.item_content_slots!.dataSync())).toEqual(Array.from(expected));
      // Not a table of empty slots: most rows hold content ids.
      expect(Array.from(expected).filter((id) => id > 0).length).toBeGreaterThan(NUM_ITEMS * 5);
    } finally {
      Object.values(weights).forEach((t) => t.dispose());
    }
    // Dense ids map to the same Pulse items in the metadata as in the training set.
    expect(readMetadata(files).items).toEqual(set.users.items.externalIds());
  });

  it('loads back as a servable model that embeds content, and learned more than popularity', async () => {
    const servable = await ServableModel.fromFiles(await artifacts.get({ model: 'shop', version: 1 }));
    try {
      expect(servable.embedsContent).toBe(true);
      expect(servable.numItems).toBe(NUM_ITEMS);
    } finally {
      servable.dispose();
    }
    expect(twoTower.validationCases).toBeGreaterThan(100);
    expect(twoTower.metric.value).toBeGreaterThan(3 * popularity.metric.value);
  });
});
