import { sequenceAt, sequencesToArrays } from '@pulse/ml/datasets/sequence-dataset';
import { trainingSetFromEvents, TrainingSetAccumulator } from './training-set.accumulator';
import { resolveTrainingSetOptions } from './training-set.options';
import type { TrainingEvent, TrainingSet } from './training-set.types';

/** Hand-made logs: positions in the order written, times in seconds after 10:00 UTC. */
class Log {
  readonly events: TrainingEvent[] = [];
  private n = 0;

  private shopper(
    type: string,
    shopperId: string,
    sessionId: string,
    second: number,
    extra: object,
  ) {
    this.n++;
    this.events.push({
      type,
      position: BigInt(this.n),
      data: {
        shopperId,
        sessionId,
        clientEventId: `c${this.n}`,
        occurredAt: new Date(Date.UTC(2026, 0, 5, 10, 0, 0) + second * 1000).toISOString(),
        ...extra,
      },
    });
    return this;
  }
  view(shopper: string, session: string, second: number, itemId: string) {
    return this.shopper('ShopperViewedItem', shopper, session, second, { itemId });
  }
  cart(shopper: string, session: string, second: number, itemId: string) {
    return this.shopper('ShopperAddedItemToCart', shopper, session, second, {
      itemId,
      quantity: 1,
    });
  }
  uncart(shopper: string, session: string, second: number, itemId: string) {
    return this.shopper('ShopperRemovedItemFromCart', shopper, session, second, {
      itemId,
      quantity: 1,
    });
  }
  buy(shopper: string, session: string, second: number, itemId: string) {
    return this.shopper('ShopperPurchasedItem', shopper, session, second, {
      itemId,
      quantity: 1,
      unitPrice: 5,
    });
  }
  search(shopper: string, session: string, second: number) {
    return this.shopper('ShopperSearched', shopper, session, second, { query: 'shoes' });
  }
  item(type: string, data: Record<string, unknown>) {
    this.n++;
    this.events.push({ type, position: BigInt(this.n), data });
    return this;
  }
}

/** A user's sequence as Pulse item ids. */
function userItems(set: TrainingSet, shopperId: string): string[] {
  const u = set.users.sequenceKeys!.indexOf(shopperId);
  if (u < 0) return [];
  return Array.from(sequenceAt(set.users.sequences, u), (d) => set.users.items.toExternal(d));
}

function userWeights(set: TrainingSet, shopperId: string): number[] {
  const u = set.users.sequenceKeys!.indexOf(shopperId);
  const { offsets } = set.users.sequences;
  return Array.from(set.userWeights.subarray(offsets[u], offsets[u + 1]));
}

const external = (set: TrainingSet, dense: number[][]) =>
  dense.map((s) => s.map((d) => set.users.items.toExternal(d)));

describe('TrainingSetAccumulator', () => {
  it('orders each shopper by occurredAt, not by arrival, and numbers items by first appearance', () => {
    const log = new Log()
      .view('u1', 's1', 30, 'C')
      .view('u2', 's9', 5, 'D')
      .view('u1', 's1', 10, 'A') // buffered by a mobile client: arrives late
      .view('u1', 's1', 20, 'B');
    const set = trainingSetFromEvents(log.events);
    expect(set.users.sequenceKeys).toEqual(['u1', 'u2']);
    expect(userItems(set, 'u1')).toEqual(['A', 'B', 'C']);
    expect(userItems(set, 'u2')).toEqual(['D']);
    expect(set.users.items.externalIds()).toEqual(['A', 'B', 'C', 'D']);
    expect(set.users.times![0]).toBe(Date.UTC(2026, 0, 5, 10, 0, 30));
    expect(Array.from(set.userInteractionTimes.subarray(0, 3))).toEqual(
      [10, 20, 30].map((s) => Date.UTC(2026, 0, 5, 10, 0, s)),
    );
  });

  it('folds repeated views and the cart/purchase of the item just viewed into one weighted entry', () => {
    const log = new Log()
      .view('u1', 's1', 0, 'A')
      .view('u1', 's1', 30, 'A') // reload
      .cart('u1', 's1', 60, 'A')
      .view('u1', 's1', 90, 'B')
      .search('u1', 's1', 120)
      .view('u1', 's1', 150, 'B') // a search between does not separate: same item as the last entry
      .buy('u1', 's1', 180, 'B')
      .view('u1', 's1', 210, 'A') // back to A after B: a new entry
      .view('u1', 's2', 9000, 'A') // a revisit in a later session: a new entry
      .uncart('u1', 's2', 9030, 'A');
    const set = trainingSetFromEvents(log.events);
    expect(userItems(set, 'u1')).toEqual(['A', 'B', 'A', 'A']);
    expect(userWeights(set, 'u1')).toEqual([3, 5, 1, 1]);
    expect(set.stats).toMatchObject({
      collapsedViews: 2,
      mergedActions: 2,
      nonItemInteractions: 2,
    });
  });

  it('drops a shopper above maxEventsPerMinute whole, but not for the order lines of one checkout', () => {
    const log = new Log();
    // 40 views 1.5 s apart: slower than a burst, far faster than anyone reads.
    for (let i = 0; i < 40; i++) log.view('bot', 'b1', i * 1.5, `I${i % 7}`);
    // A human who checks out 40 order lines at once.
    log.view('buyer', 'k1', 0, 'A');
    for (let i = 0; i < 40; i++) log.buy('buyer', 'k1', 60 + i * 0.1, `P${i}`);
    const set = trainingSetFromEvents(log.events, { maxEventsPerMinute: 30 });
    expect(set.users.sequenceKeys).toEqual(['buyer']);
    expect(userItems(set, 'buyer')).toHaveLength(41);
    expect(set.stats).toMatchObject({
      shoppers: 2,
      droppedShoppers: 1,
      droppedShopperEvents: 40,
      bursts: 0,
    });
    // The same bot passes under a higher limit.
    expect(
      trainingSetFromEvents(log.events, { maxEventsPerMinute: 50 }).stats.droppedShoppers,
    ).toBe(0);
  });

  it('drops machine-speed runs of views and searches, keeps the cart add inside and the rest of the shopper', () => {
    const log = new Log()
      .view('u1', 's1', 0, 'A')
      .view('u1', 's1', 100, 'B0')
      .view('u1', 's1', 100.2, 'B1')
      .search('u1', 's1', 100.4)
      .cart('u1', 's1', 100.5, 'K')
      .view('u1', 's1', 100.6, 'B2')
      .view('u1', 's1', 100.8, 'B3')
      .view('u1', 's1', 200, 'C0') // four quick views: below burstMinEvents, kept
      .view('u1', 's1', 200.3, 'C1')
      .view('u1', 's1', 200.6, 'C2')
      .view('u1', 's1', 200.9, 'C3');
    const set = trainingSetFromEvents(log.events, { burstMinEvents: 5, burstGapMs: 1000 });
    expect(userItems(set, 'u1')).toEqual(['A', 'K', 'C0', 'C1', 'C2', 'C3']);
    expect(set.stats).toMatchObject({ bursts: 1, burstEvents: 5, droppedShoppers: 0 });
  });

  it('splits by global time cut-offs: training before, validation and test cases after', () => {
    const log = new Log();
    // u1: minutes 0..5, u2: minutes 6..9; 10 interactions in all.
    for (let m = 0; m < 6; m++) log.view('u1', m < 3 ? 'a' : 'b', m * 60, `X${m}`);
    for (let m = 6; m < 10; m++) log.view('u2', 'c', m * 60, `Y${m}`);
    const set = trainingSetFromEvents(log.events, { validationFraction: 0.2, testFraction: 0.3 });
    const minute = (m: number) => Date.UTC(2026, 0, 5, 10, m);
    expect(set.split.testFrom).toBe(minute(7));
    expect(set.split.validationFrom).toBe(minute(5));

    const users = set.split.users;
    // Y6 (minute 6) is already validation, and with no earlier interaction it makes no case.
    expect(external(set, sequencesToArrays(users.train))).toEqual([['X0', 'X1', 'X2', 'X3', 'X4']]);
    expect(external(set, sequencesToArrays(users.validation.prefixes))).toEqual([
      ['X0', 'X1', 'X2', 'X3', 'X4'],
    ]);
    expect(external(set, [Array.from(users.validation.targets)])).toEqual([['X5']]);
    expect(external(set, [Array.from(users.test.targets)])).toEqual([['Y7', 'Y8', 'Y9']]);
    expect(external(set, sequencesToArrays(users.test.prefixes))).toEqual([
      ['Y6'],
      ['Y6', 'Y7'],
      ['Y6', 'Y7', 'Y8'],
    ]);

    // Sessions by their last interaction: a ends 2 (train), b ends 5 (validation), c ends 9 (test).
    expect(set.stats.sessions).toEqual({ train: 1, validation: 1, test: 1 });
    expect(set.sessions.sequenceKeys).toEqual(['u1/a', 'u1/b']);
    expect(external(set, sequencesToArrays(set.sessions.sequences))).toEqual([
      ['X0', 'X1', 'X2'],
      ['X3', 'X4', 'X5'],
    ]);
    expect(external(set, sequencesToArrays(set.sessions.heldOut!.prefixes))).toEqual([
      ['Y6'],
      ['Y6', 'Y7'],
      ['Y6', 'Y7', 'Y8'],
    ]);
    expect(Array.from(set.sessionWeights)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('caps case histories at maxHistory and leaves out short sessions and users', () => {
    const log = new Log().view('solo', 'one', 0, 'Z');
    for (let m = 0; m < 8; m++) log.view('u1', 's', 60 + m * 60, `X${m}`);
    const set = trainingSetFromEvents(log.events, {
      maxHistory: 3,
      validationFraction: 0,
      testFraction: 0.25,
      minUserInteractions: 2,
    });
    expect(set.users.sequenceKeys).toEqual(['u1']);
    expect(set.stats).toMatchObject({
      shortUsers: 1,
      shortSessions: 0,
      users: 1,
      userInteractions: 8,
    });
    expect(external(set, sequencesToArrays(set.split.users.test.prefixes))).toEqual([
      ['X3', 'X4', 'X5'],
      ['X4', 'X5', 'X6'],
    ]);
    expect(set.split.users.validation.targets).toHaveLength(0);
  });

  it('takes item content from the catalog events as of the bound', () => {
    const listed = {
      itemId: 'sku-1',
      title: 'Trail Runner trail shoe',
      description: '',
      categoryPath: ['Shoes', 'Running'],
      brand: 'Acme',
      price: 89.5,
      currency: 'EUR',
      stock: 3,
      attributes: {},
      at: '2026-01-01T00:00:00.000Z',
    };
    const log = new Log()
      .item('ItemListed', listed)
      .item('ItemListed', { ...listed, itemId: 'sku-2', brand: '', title: 'Sock' })
      .item('ItemPriceChanged', {
        itemId: 'sku-1',
        price: 120,
        previousPrice: 89.5,
        currency: 'EUR',
        previousCurrency: 'EUR',
        at: listed.at,
      })
      .item('ItemDelisted', { itemId: 'sku-2', at: listed.at })
      .view('u1', 's', 0, 'sku-2')
      .view('u1', 's', 10, 'sku-1')
      .view('u1', 's', 20, 'ghost');
    const set = trainingSetFromEvents(log.events);
    expect(set.users.items.externalIds()).toEqual(['sku-2', 'sku-1', 'ghost']);
    expect(set.itemFeatures.items).toEqual([
      { categoryPath: ['Shoes', 'Running'], price: 89.5, titleTokens: ['sock'] },
      {
        categoryPath: ['Shoes', 'Running'],
        brand: 'Acme',
        price: 120,
        titleTokens: ['trail', 'runner', 'shoe'],
      },
      undefined,
    ]);
    expect(Array.from(set.itemListed)).toEqual([0, 1, 0]);
    expect(set.stats).toMatchObject({
      itemEvents: 4,
      shopperEvents: 3,
      eventsRead: 7,
      itemsWithoutContent: 1,
    });
  });

  it('refuses events out of log order and options that make no sense, naming them', () => {
    const acc = new TrainingSetAccumulator();
    const [first, second] = new Log().view('u', 's', 0, 'A').view('u', 's', 1, 'B').events;
    acc.add(second);
    expect(() => acc.add(first)).toThrow('position 1 after 2');
    expect(() => resolveTrainingSetOptions({ maxEventsPerMinute: 0 })).toThrow(
      'maxEventsPerMinute',
    );
    expect(() => resolveTrainingSetOptions({ validationFraction: 0.6, testFraction: 0.5 })).toThrow(
      'validationFraction + testFraction',
    );
    expect(() => resolveTrainingSetOptions({ validationFrom: 5 })).toThrow('testFrom');
  });
});
