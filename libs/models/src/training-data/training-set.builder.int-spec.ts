import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '@pulse/ml/datasets/dataset-format';
import {
  type SequenceDataset,
  sequenceAt,
  sequenceCount,
  sequencesToArrays,
} from '@pulse/ml/datasets/sequence-dataset';
import type { ExpectedRevision } from '@pulse/platform/event-store/event-store.port';
import { SqliteEventStore } from '@pulse/platform/event-store/sqlite-event-store.adapter';
import { SeededRandom } from '@pulse/testing/synthetic/shop/random';
import { StoredEventFactory } from '@pulse/testing/synthetic/shop/stored-event.factory';
import { SyntheticShop } from '@pulse/testing/synthetic/shop/synthetic-shop';
import type { WireInteraction } from '@pulse/testing/synthetic/shop/wire';
import { writeShopToStore, type WriteDirectSummary } from '@pulse/testing/synthetic/write-direct';
import { buildTrainingSet } from './training-set.builder';
import { decodeIdToken, exportTrainingSet } from './training-set.export';
import type { TrainingSet } from './training-set.types';

const SHOP = { seed: 17, items: 300, shoppers: 150 } as const;
const ITEM_KINDS = new Set(['ShopperViewedItem', 'ShopperAddedItemToCart', 'ShopperPurchasedItem']);

describe('buildTrainingSet on a synthetic shop in the SQLite event store', () => {
  let dir: string;
  let store: SqliteEventStore;
  let shop: SyntheticShop;
  let written: WriteDirectSummary;
  let base: TrainingSet;
  let full: TrainingSet;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-training-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    shop = new SyntheticShop(SHOP);
    written = await writeShopToStore(store, shop, { events: 4000 });
    await plant(store, shop);
    base = await buildTrainingSet(store, { untilPosition: written.head, pageSize: 700 });
    full = await buildTrainingSet(store, { pageSize: 700 });
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads exactly the events up to the bound', async () => {
    expect(base.untilPosition).toBe(written.head);
    expect(base.stats.eventsRead).toBe(written.totalEvents);
    expect(base.stats.lastPositionRead).toBe(written.head);
    expect(base.users.sequenceKeys!.some((k) => k.startsWith('planted-'))).toBe(false);
    expect(full.untilPosition).toBe(await store.headPosition());
    expect(full.stats.eventsRead).toBe(written.totalEvents + PLANTED_EVENTS);
    await expect(
      buildTrainingSet(store, { untilPosition: full.untilPosition + 1n }),
    ).rejects.toThrow('untilPosition');
  });

  it('keeps every interaction once, in time order, with repeats of the same item folded', async () => {
    // Reference: the raw log read independently, per shopper by occurredAt,
    // consecutive same-item same-session entries merged (the synthetic shop has
    // no bots or bursts, checked below, so nothing else is removed).
    const raw = await store.readAll({ filter: { streamPrefixes: ['shopper-'] } });
    const expected = new Map<string, { item: string; session: string; at: number }[]>();
    for (const e of raw.filter((e) => e.position <= written.head && ITEM_KINDS.has(e.type))) {
      const d = e.data as {
        shopperId: string;
        itemId: string;
        sessionId: string;
        occurredAt: string;
      };
      const list = expected.get(d.shopperId) ?? [];
      list.push({ item: d.itemId, session: d.sessionId, at: Date.parse(d.occurredAt) });
      expected.set(d.shopperId, list);
    }
    let interactions = 0;
    for (const [shopperId, list] of expected) {
      list.sort((a, b) => a.at - b.at);
      const merged = list.filter(
        (e, i) => i === 0 || e.item !== list[i - 1].item || e.session !== list[i - 1].session,
      );
      interactions += list.length;
      expect([shopperId, itemsOf(base.users, shopperId)]).toEqual([
        shopperId,
        merged.map((e) => e.item),
      ]);
    }
    expect(base.stats).toMatchObject({ droppedShoppers: 0, bursts: 0, burstEvents: 0 });
    expect(base.stats.userInteractions).toBe(
      interactions - base.stats.collapsedViews - base.stats.mergedActions,
    );
    expect(base.stats.collapsedViews + base.stats.mergedActions).toBeGreaterThan(0);
    for (let u = 0; u < sequenceCount(base.users.sequences); u++) {
      const { offsets } = base.users.sequences;
      const times = base.userInteractionTimes.subarray(offsets[u], offsets[u + 1]);
      expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
    }
    expect(base.stats.items).toBeGreaterThan(50);
    expect(base.stats.itemsWithoutContent).toBe(0);
  });

  it('drops and counts exactly what was planted after the bound', () => {
    const delta = (
      key:
        | 'droppedShoppers'
        | 'droppedShopperEvents'
        | 'bursts'
        | 'burstEvents'
        | 'collapsedViews'
        | 'mergedActions',
    ) => full.stats[key] - base.stats[key];
    expect(delta('droppedShoppers')).toBe(1);
    expect(delta('droppedShopperEvents')).toBe(BOT_VIEWS);
    expect(delta('bursts')).toBe(1);
    expect(delta('burstEvents')).toBe(BURST_VIEWS);
    expect(delta('collapsedViews')).toBe(3);
    expect(delta('mergedActions')).toBe(1);
    const item = (i: number) => shop.initialItems[i].id;
    expect(itemsOf(full.users, 'planted-bot')).toEqual([]);
    expect(itemsOf(full.users, 'planted-burster')).toEqual([item(1), item(2), item(3), item(4)]);
    expect(itemsOf(full.users, 'planted-repeater')).toEqual([item(5), item(6)]);
    const u = full.users.sequenceKeys!.indexOf('planted-repeater');
    const at = full.users.sequences.offsets[u];
    expect(Array.from(full.userWeights.subarray(at, at + 2))).toEqual([3, 1]);
  });

  it('exports files that load back to the same sequences', () => {
    const out = join(dir, 'export');
    const files = exportTrainingSet(full, out, new Date(0));

    const users = loadDataset(files.users);
    expect(users.kind).toBe('users');
    expect(users.sequenceKeys!.map(decodeIdToken)).toEqual(full.users.sequenceKeys);
    expect(sequencesToArrays(users.sequences)).toEqual(sequencesToArrays(full.users.sequences));
    expect(users.items.externalIds().map(decodeIdToken)).toEqual(full.users.items.externalIds());

    const sessions = loadDataset(files.sessions);
    expect(sessions.kind).toBe('sessions');
    expect(externalSequences(sessions, sessions.sequences)).toEqual(
      externalSequences(full.sessions, full.sessions.sequences),
    );
    expect(externalSequences(sessions, sessions.heldOut!.prefixes)).toEqual(
      externalSequences(full.sessions, full.sessions.heldOut!.prefixes),
    );
    const targets = (d: SequenceDataset) =>
      Array.from(d.heldOut!.targets, (t) => decodeIdToken(d.items.toExternal(t)));
    expect(targets(sessions)).toEqual(targets(full.sessions));
    expect(full.stats.sessions.test).toBeGreaterThan(0);

    const items = readFileSync(files.items, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(items.map((i) => i.id)).toEqual(full.users.items.externalIds());
    expect(items[0]).toMatchObject({
      dense: 0,
      categoryPath: expect.any(Array),
      priceBand: expect.any(String),
    });
    const manifest = JSON.parse(readFileSync(files.manifest, 'utf8'));
    expect(manifest).toMatchObject({
      untilPosition: full.untilPosition.toString(),
      stats: { users: full.stats.users, droppedShoppers: full.stats.droppedShoppers },
      options: { maxEventsPerMinute: 30 },
    });
  });
});

const BOT_VIEWS = 60;
const BURST_VIEWS = 6;
/** 60 bot views, 4 + 6 burster views, 6 repeater events. */
const PLANTED_EVENTS = BOT_VIEWS + 4 + BURST_VIEWS + 6;

/**
 * After the shop's traffic: a bot (a view every 1.5 s: 40 a minute), a
 * shopper with one machine-speed burst (6 views 0.2 s apart), and a shopper
 * who reloads and carts the same item. Built and stored the way the service
 * stores interactions.
 */
async function plant(store: SqliteEventStore, shop: SyntheticShop): Promise<void> {
  const random = new SeededRandom(99);
  const factory = new StoredEventFactory(random, { parseWire: false });
  factory.listings(shop.initialItems, new Date(shop.startAt).toISOString()); // so it knows the items
  const start = shop.now + 3_600_000;
  const item = (i: number) => shop.initialItems[i].id;
  const wire: WireInteraction[] = [];
  const view = (shopperId: string, ms: number, itemId: string) =>
    wire.push({
      eventId: random.uuid(),
      type: 'view',
      shopperId,
      sessionId: `${shopperId}-s`,
      occurredAt: new Date(start + ms).toISOString(),
      itemId,
    });
  for (let i = 0; i < BOT_VIEWS; i++) view('planted-bot', i * 1500, item(i % 20));
  view('planted-burster', 0, item(1));
  view('planted-burster', 30_000, item(2));
  for (let i = 0; i < BURST_VIEWS; i++) view('planted-burster', 60_000 + i * 200, item(10 + i));
  view('planted-burster', 90_000, item(3));
  view('planted-burster', 120_000, item(4));
  view('planted-repeater', 0, item(5));
  view('planted-repeater', 20_000, item(5));
  view('planted-repeater', 40_000, item(5));
  wire.push({
    eventId: random.uuid(),
    type: 'add_to_cart',
    shopperId: 'planted-repeater',
    sessionId: 'planted-repeater-s',
    occurredAt: new Date(start + 50_000).toISOString(),
    itemId: item(5),
    quantity: 1,
  });
  view('planted-repeater', 70_000, item(6));
  view('planted-repeater', 90_000, item(6));
  const revisions = new Map<string, bigint>();
  for (const { streamId, event } of factory.interactions(
    wire,
    new Date(start + 200_000).toISOString(),
  )) {
    const last = revisions.get(streamId);
    const expected: ExpectedRevision = last ?? 'no_stream';
    const result = await store.append(streamId, [event], expected);
    revisions.set(streamId, result.nextRevision);
  }
}

function itemsOf(dataset: SequenceDataset, key: string): string[] {
  const u = dataset.sequenceKeys!.indexOf(key);
  return u < 0
    ? []
    : Array.from(sequenceAt(dataset.sequences, u), (d) => dataset.items.toExternal(d));
}

function externalSequences(
  dataset: SequenceDataset,
  sequences: SequenceDataset['sequences'],
): string[][] {
  return sequencesToArrays(sequences).map((s) =>
    s.map((d) => decodeIdToken(dataset.items.toExternal(d))),
  );
}
