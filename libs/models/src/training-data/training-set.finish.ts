import type { ItemContent } from '@pulse/ml/datasets/item-features';
import {
  ItemIndex,
  type PrefixTargetCases,
  type Sequences,
  SequencesBuilder,
} from '@pulse/ml/datasets/sequence-dataset';
import { itemContentOf } from './catalog-content';
import { Kind } from './interaction-log';
import { type CleanEntry, cleanShopper } from './shopper-cleaning';
import type { TrainingSetAccumulator } from './training-set.accumulator';
import type { TrainingSetOptions } from './training-set.options';
import type { SplitParts, TrainingSet } from './training-set.types';

interface KeptUser {
  readonly shopperId: string;
  readonly entries: readonly CleanEntry[];
  /** Dense ids (final ItemIndex) of the entries. */
  readonly items: Int32Array;
}

interface KeptSession {
  readonly key: string;
  readonly items: number[];
  readonly weights: number[];
  readonly start: number;
  readonly end: number;
  readonly order: number;
}

/** Sorts, cleans, splits and assembles what the accumulator collected. */
export function finishTrainingSet(acc: TrainingSetAccumulator, untilPosition: bigint): TrainingSet {
  const o = acc.options;
  const log = acc.log;
  const counts = {
    droppedShoppers: 0,
    droppedShopperEvents: 0,
    bursts: 0,
    burstEvents: 0,
    collapsedViews: 0,
    mergedActions: 0,
    shortUsers: 0,
    shortSessions: 0,
    nonItemInteractions: 0,
  };
  for (let i = 0; i < log.length; i++)
    if (log.kind[i] === Kind.search || log.kind[i] === Kind.remove_from_cart)
      counts.nonItemInteractions++;

  // Rows grouped by shopper (counting sort keeps log order), then each group
  // by the client's clock: the log is in arrival order, and buffered mobile
  // events arrive late.
  const shopperCount = acc.shoppers.size;
  const starts = new Int32Array(shopperCount + 1);
  for (let i = 0; i < log.length; i++) starts[log.shopper[i] + 1]++;
  for (let s = 0; s < shopperCount; s++) starts[s + 1] += starts[s];
  const order = new Int32Array(log.length);
  const fill = starts.slice(0, shopperCount);
  for (let i = 0; i < log.length; i++) order[fill[log.shopper[i]]++] = i;

  const index = new ItemIndex();
  const users: KeptUser[] = [];
  for (let s = 0; s < shopperCount; s++) {
    const rows = order.subarray(starts[s], starts[s + 1]);
    rows.sort((a, b) => log.time[a] - log.time[b] || a - b);
    const cleaned = cleanShopper(log, rows, o);
    if (!cleaned.kept) {
      counts.droppedShoppers++;
      counts.droppedShopperEvents += rows.length;
      continue;
    }
    counts.bursts += cleaned.bursts;
    counts.burstEvents += cleaned.burstEvents;
    counts.collapsedViews += cleaned.collapsedViews;
    counts.mergedActions += cleaned.mergedActions;
    if (cleaned.entries.length < o.minUserInteractions) {
      counts.shortUsers++;
      continue;
    }
    // Dense ids in order of first appearance in the users data, as the loader assigns them.
    const items = Int32Array.from(cleaned.entries, (e) => index.intern(acc.items.values[e.item]));
    users.push({ shopperId: acc.shoppers.values[s], entries: cleaned.entries, items });
  }

  const userSequences = new SequencesBuilder(users.length, log.length);
  const total = users.reduce((n, u) => n + u.items.length, 0);
  const userWeights = new Float32Array(total);
  const userInteractionTimes = new Float64Array(total);
  const userTimes = new Float64Array(users.length);
  let at = 0;
  users.forEach((user, u) => {
    userSequences.push(user.items);
    for (const entry of user.entries) {
      userWeights[at] = entry.weight;
      userInteractionTimes[at++] = entry.time;
    }
    userTimes[u] = user.entries[user.entries.length - 1].time;
  });

  const { validationFrom, testFrom } = cutOffs(userInteractionTimes, o);
  const sessions = sessionsOf(users, acc.sessions.values, o, counts);
  const trainSessions = sessions.filter((s) => s.end < validationFrom);
  const validationSessions = sessions.filter((s) => s.end >= validationFrom && s.end < testFrom);
  const testSessions = sessions.filter((s) => s.end >= testFrom);
  const servedSessions = [...trainSessions, ...validationSessions];
  const sessionSequences = new SequencesBuilder(servedSessions.length);
  const sessionWeights: number[] = [];
  for (const s of servedSessions) {
    sessionSequences.push(s.items);
    sessionWeights.push(...s.weights);
  }
  const sessionSplit: SplitParts = {
    train: sequencesOf(trainSessions.map((s) => s.items)),
    validation: prefixCases(
      validationSessions.map((s) => s.items),
      o.maxHistory,
    ),
    test: prefixCases(
      testSessions.map((s) => s.items),
      o.maxHistory,
    ),
  };

  const features: (ItemContent | undefined)[] = [];
  const itemListed = new Uint8Array(index.size);
  let itemsWithoutContent = 0;
  index.externalIds().forEach((id, dense) => {
    const entry = acc.catalog.get(id);
    if (!entry) itemsWithoutContent++;
    features.push(entry && itemContentOf(entry));
    itemListed[dense] = entry?.listed ? 1 : 0;
  });

  return {
    users: {
      name: 'pulse-users',
      kind: 'users',
      items: index,
      sequences: userSequences.build(),
      sequenceKeys: users.map((u) => u.shopperId),
      times: userTimes,
    },
    userWeights,
    userInteractionTimes,
    sessions: {
      name: 'pulse-sessions',
      kind: 'sessions',
      items: index,
      sequences: sessionSequences.build(),
      sequenceKeys: servedSessions.map((s) => s.key),
      times: Float64Array.from(servedSessions, (s) => s.end),
      heldOut: sessionSplit.test,
    },
    sessionWeights: Float32Array.from(sessionWeights),
    split: {
      validationFrom,
      testFrom,
      users: userSplit(users, validationFrom, testFrom, o.maxHistory),
      sessions: sessionSplit,
    },
    itemFeatures: { items: features },
    itemListed,
    stats: {
      eventsRead: acc.eventsRead,
      shopperEvents: acc.shopperEvents,
      itemEvents: acc.itemEvents,
      lastPositionRead: acc.lastPositionRead,
      ...counts,
      shoppers: shopperCount,
      users: users.length,
      userInteractions: total,
      sessions: {
        train: trainSessions.length,
        validation: validationSessions.length,
        test: testSessions.length,
      },
      items: index.size,
      itemsWithoutContent,
    },
    options: o,
    untilPosition,
  };
}

/**
 * Global time cut-offs (everyone is split at the same instant, so nothing
 * after a cut-off leaks into training): the latest `testFraction` of kept
 * interactions by time are test, the `validationFraction` before them
 * validation. Ties at a cut-off all fall after it. Infinity: empty part.
 */
export function cutOffs(
  times: Float64Array,
  o: Pick<
    TrainingSetOptions,
    'validationFraction' | 'testFraction' | 'validationFrom' | 'testFrom'
  >,
): { validationFrom: number; testFrom: number } {
  if (o.validationFrom !== undefined && o.testFrom !== undefined) {
    return { validationFrom: o.validationFrom, testFrom: o.testFrom };
  }
  const sorted = Float64Array.from(times).sort();
  const n = sorted.length;
  const testCount = Math.round(n * o.testFraction);
  const validationCount = Math.round(n * o.validationFraction);
  const testFrom = testCount > 0 ? sorted[n - testCount] : Infinity;
  const validationFrom = validationCount > 0 ? sorted[n - testCount - validationCount] : testFrom;
  return { validationFrom, testFrom };
}

/** Each kept user's entries grouped by session (a session may interleave with another tab's). */
function sessionsOf(
  users: readonly KeptUser[],
  sessionKeys: readonly string[],
  o: TrainingSetOptions,
  counts: { shortSessions: number },
): KeptSession[] {
  const sessions: KeptSession[] = [];
  for (const user of users) {
    const bySession = new Map<
      number,
      { items: number[]; weights: number[]; start: number; end: number }
    >();
    user.entries.forEach((entry, k) => {
      let s = bySession.get(entry.session);
      if (!s)
        bySession.set(
          entry.session,
          (s = { items: [], weights: [], start: entry.time, end: entry.time }),
        );
      s.items.push(user.items[k]);
      s.weights.push(entry.weight);
      s.end = entry.time;
    });
    for (const [session, s] of bySession) {
      if (s.items.length < o.minSessionInteractions) {
        counts.shortSessions++;
        continue;
      }
      const key = sessionKeys[session].replace('\u0000', '/');
      sessions.push({ key, ...s, order: sessions.length });
    }
  }
  // Chronological by the session's end, as SR-GNN orders Diginetica's sessions.
  return sessions.sort((a, b) => a.end - b.end || a.start - b.start || a.order - b.order);
}

function userSplit(
  users: readonly KeptUser[],
  validationFrom: number,
  testFrom: number,
  maxHistory: number,
): SplitParts {
  const train = new SequencesBuilder(users.length);
  const validation = new CaseBuilder(maxHistory);
  const test = new CaseBuilder(maxHistory);
  for (const user of users) {
    let trainLength = 0;
    while (trainLength < user.entries.length && user.entries[trainLength].time < validationFrom)
      trainLength++;
    if (trainLength > 0) train.push(user.items.subarray(0, trainLength));
    for (let k = Math.max(1, trainLength); k < user.items.length; k++) {
      (user.entries[k].time < testFrom ? validation : test).add(user.items, k);
    }
  }
  return { train: train.build(), validation: validation.build(), test: test.build() };
}

function sequencesOf(sequences: readonly number[][]): Sequences {
  const builder = new SequencesBuilder(sequences.length);
  for (const s of sequences) builder.push(s);
  return builder.build();
}

/** Every prefix -> next item of each sequence, histories cut to the last `maxHistory` items. */
function prefixCases(sequences: readonly number[][], maxHistory: number): PrefixTargetCases {
  const cases = new CaseBuilder(maxHistory);
  for (const s of sequences) for (let k = 1; k < s.length; k++) cases.add(s, k);
  return cases.build();
}

class CaseBuilder {
  private readonly prefixes = new SequencesBuilder();
  private readonly targets: number[] = [];

  constructor(private readonly maxHistory: number) {}

  /** The case "items before k -> items[k]". */
  add(items: ArrayLike<number>, k: number): void {
    for (let j = Math.max(0, k - this.maxHistory); j < k; j++) this.prefixes.pushItem(items[j]);
    this.prefixes.endSequence();
    this.targets.push(items[k]);
  }

  build(): PrefixTargetCases {
    return { prefixes: this.prefixes.build(), targets: Int32Array.from(this.targets) };
  }
}
