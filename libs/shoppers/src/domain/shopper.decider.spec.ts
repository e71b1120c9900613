import { DomainRuleViolation } from '@pulse/platform/domain/domain-rule-violation';
import { DeciderSpecification } from '@pulse/testing';
import {
  RecordedClientEventIds,
  interactionEventType,
  shopperDecider,
  shopperStreamId,
  type InteractionKind,
  type RecordInteraction,
  type ShopperState,
} from './shopper.decider';
import { shopperEventDefinitions, type ShopperEvent } from './shopper.events';

const RECEIVED_AT = '2025-03-01T12:00:00.000Z';
const base = { shopperId: 'u1', sessionId: 's1' };

let nextId = 0;
/** A command with sensible defaults; each gets a fresh clientEventId unless one is given. */
function record(
  kind: InteractionKind,
  fields: Partial<RecordInteraction['data']> = {},
): RecordInteraction {
  return {
    type: 'RecordInteraction',
    data: {
      kind,
      ...base,
      clientEventId: `c${++nextId}`,
      occurredAt: '2025-03-01T11:59:00.000Z',
      receivedAt: RECEIVED_AT,
      maxClockSkewMs: 60_000,
      unknownItemIds: [],
      rejectUnknownItems: true,
      ...fields,
    },
  };
}

const viewed = (clientEventId: string, itemId = 'sku-1'): ShopperEvent => ({
  type: 'ShopperViewedItem',
  data: { ...base, clientEventId, occurredAt: '2025-03-01T11:00:00.000Z', itemId },
});
const added = (clientEventId: string, itemId: string, quantity: number): ShopperEvent => ({
  type: 'ShopperAddedItemToCart',
  data: { ...base, clientEventId, occurredAt: '2025-03-01T11:00:00.000Z', itemId, quantity },
});

const violation = (code: string, field: string) => (error: DomainRuleViolation) =>
  error.code === code && error.field === field;

const spec = DeciderSpecification.for(shopperDecider);
const fold = (events: ShopperEvent[]): ShopperState =>
  events.reduce(shopperDecider.evolve, shopperDecider.initialState());

describe('shopper decider', () => {
  describe('each kind records its event', () => {
    it('search: trimmed query, results, filters and attribution', () => {
      spec
        .given([])
        .when(
          record('search', {
            clientEventId: 'e1',
            query: '  running shoes ',
            resultItemIds: ['sku-1', 'sku-2'],
            filters: { brand: ['Acme'], maxPrice: 100 },
            attribution: { searchId: 'q0' },
            itemId: 'ignored',
            quantity: 3,
          }),
        )
        .then([
          {
            type: 'ShopperSearched',
            data: {
              ...base,
              clientEventId: 'e1',
              occurredAt: '2025-03-01T11:59:00.000Z',
              query: 'running shoes',
              resultItemIds: ['sku-1', 'sku-2'],
              filters: { brand: ['Acme'], maxPrice: 100 },
              attribution: { searchId: 'q0' },
            },
          },
        ]);
    });

    it('view, with the recommendation that surfaced the item', () => {
      spec
        .given([])
        .when(
          record('view', {
            clientEventId: 'e1',
            itemId: 'sku-1',
            attribution: { recommendationId: 'r1', position: 2 },
          }),
        )
        .then([
          {
            type: 'ShopperViewedItem',
            data: {
              ...base,
              clientEventId: 'e1',
              occurredAt: '2025-03-01T11:59:00.000Z',
              itemId: 'sku-1',
              attribution: { recommendationId: 'r1', position: 2 },
            },
          },
        ]);
    });

    it('add_to_cart', () => {
      spec
        .given([])
        .when(record('add_to_cart', { clientEventId: 'e1', itemId: 'sku-1', quantity: 2 }))
        .then([
          {
            type: 'ShopperAddedItemToCart',
            data: {
              ...base,
              clientEventId: 'e1',
              occurredAt: '2025-03-01T11:59:00.000Z',
              itemId: 'sku-1',
              quantity: 2,
            },
          },
        ]);
    });

    it('add_to_cart defaults the quantity to 1', () => {
      spec
        .given([])
        .when(record('add_to_cart', { clientEventId: 'e1', itemId: 'sku-1' }))
        .then([
          {
            type: 'ShopperAddedItemToCart',
            data: {
              ...base,
              clientEventId: 'e1',
              occurredAt: '2025-03-01T11:59:00.000Z',
              itemId: 'sku-1',
              quantity: 1,
            },
          },
        ]);
    });

    it('remove_from_cart of an item in the cart', () => {
      spec
        .given([added('a1', 'sku-1', 2)])
        .when(record('remove_from_cart', { clientEventId: 'e1', itemId: 'sku-1', quantity: 1 }))
        .then([
          {
            type: 'ShopperRemovedItemFromCart',
            data: {
              ...base,
              clientEventId: 'e1',
              occurredAt: '2025-03-01T11:59:00.000Z',
              itemId: 'sku-1',
              quantity: 1,
            },
          },
        ]);
    });

    it('remove_from_cart of an item Pulse never saw added is still recorded, as sent', () => {
      spec
        .given([])
        .when(record('remove_from_cart', { clientEventId: 'e1', itemId: 'sku-9', quantity: 3 }))
        .then([
          {
            type: 'ShopperRemovedItemFromCart',
            data: {
              ...base,
              clientEventId: 'e1',
              occurredAt: '2025-03-01T11:59:00.000Z',
              itemId: 'sku-9',
              quantity: 3,
            },
          },
        ]);
    });

    it('purchase with unit price and currency', () => {
      spec
        .given([])
        .when(
          record('purchase', {
            clientEventId: 'e1',
            itemId: 'sku-1',
            quantity: 2,
            price: 19.5,
            currency: 'EUR',
          }),
        )
        .then([
          {
            type: 'ShopperPurchasedItem',
            data: {
              ...base,
              clientEventId: 'e1',
              occurredAt: '2025-03-01T11:59:00.000Z',
              itemId: 'sku-1',
              quantity: 2,
              unitPrice: 19.5,
              currency: 'EUR',
            },
          },
        ]);
    });

    it('normalises occurredAt to UTC', () => {
      spec
        .given([])
        .when(
          record('view', {
            clientEventId: 'e1',
            itemId: 'sku-1',
            occurredAt: '2025-03-01T13:30:00+02:00',
          }),
        )
        .then([
          {
            type: 'ShopperViewedItem',
            data: {
              ...base,
              clientEventId: 'e1',
              occurredAt: '2025-03-01T11:30:00.000Z',
              itemId: 'sku-1',
            },
          },
        ]);
    });
  });

  describe('duplicates', () => {
    it('records nothing for a clientEventId already recorded for this shopper', () => {
      spec
        .given([viewed('e1')])
        .when(record('view', { clientEventId: 'e1', itemId: 'sku-1' }))
        .thenNothing();
    });

    it('acknowledges a retry even if it would now be refused', () => {
      spec
        .given([viewed('e1')])
        .when(record('view', { clientEventId: 'e1', itemId: 'sku-1', unknownItemIds: ['sku-1'] }))
        .thenNothing();
    });

    it('records a new clientEventId for the same item', () => {
      spec
        .given([viewed('e1')])
        .when(record('view', { clientEventId: 'e2', itemId: 'sku-1' }))
        .then([
          {
            type: 'ShopperViewedItem',
            data: {
              ...base,
              clientEventId: 'e2',
              occurredAt: '2025-03-01T11:59:00.000Z',
              itemId: 'sku-1',
            },
          },
        ]);
    });
  });

  describe('clock skew', () => {
    it('accepts occurredAt up to maxClockSkewMs after receivedAt', () => {
      const command = record('view', { itemId: 'sku-1', occurredAt: '2025-03-01T12:01:00.000Z' });
      expect(shopperDecider.decide(command, fold([]))).toHaveLength(1);
    });

    it('refuses occurredAt more than maxClockSkewMs after receivedAt', () => {
      spec
        .given([])
        .when(record('view', { itemId: 'sku-1', occurredAt: '2025-03-01T12:01:00.001Z' }))
        .thenThrows(DomainRuleViolation, violation('occurred_at_in_future', 'occurredAt'));
    });

    it('accepts events from long ago (clients buffer while offline)', () => {
      const command = record('view', { itemId: 'sku-1', occurredAt: '2024-01-01T00:00:00.000Z' });
      expect(shopperDecider.decide(command, fold([]))).toHaveLength(1);
    });

    it('refuses an unparseable occurredAt as malformed', () => {
      spec
        .given([])
        .when(record('view', { itemId: 'sku-1', occurredAt: 'yesterday' }))
        .thenThrows(
          DomainRuleViolation,
          (e) => violation('invalid_occurred_at', 'occurredAt')(e) && !e.unprocessable,
        );
    });
  });

  describe('unknown items', () => {
    it('refuses an interaction with an unknown item, naming it', () => {
      spec
        .given([])
        .when(record('view', { itemId: 'sku-x', unknownItemIds: ['sku-x'] }))
        .thenThrows(
          DomainRuleViolation,
          (e) => violation('unknown_items', 'itemId')(e) && e.message.includes("'sku-x'"),
        );
    });

    it('refuses a search with unknown results, naming them', () => {
      spec
        .given([])
        .when(
          record('search', {
            query: 'q',
            resultItemIds: ['a', 'b', 'c'],
            unknownItemIds: ['b', 'c'],
          }),
        )
        .thenThrows(
          DomainRuleViolation,
          (e) =>
            violation('unknown_items', 'resultItemIds')(e) &&
            e.message.includes("'b'") &&
            e.message.includes("'c'"),
        );
    });

    it('records unknown items when the application does not reject them', () => {
      spec
        .given([])
        .when(
          record('view', {
            clientEventId: 'e1',
            itemId: 'sku-x',
            unknownItemIds: ['sku-x'],
            rejectUnknownItems: false,
          }),
        )
        .then([
          {
            type: 'ShopperViewedItem',
            data: {
              ...base,
              clientEventId: 'e1',
              occurredAt: '2025-03-01T11:59:00.000Z',
              itemId: 'sku-x',
            },
          },
        ]);
    });
  });

  describe('field rules', () => {
    it.each<[string, InteractionKind, Partial<RecordInteraction['data']>, string, string]>([
      ['a view without itemId', 'view', {}, 'missing_field', 'itemId'],
      ['an add without itemId', 'add_to_cart', { itemId: '' }, 'missing_field', 'itemId'],
      ['a search without query', 'search', {}, 'missing_field', 'query'],
      ['a blank query', 'search', { query: '   ' }, 'invalid_query', 'query'],
      [
        'a query over 500 characters',
        'search',
        { query: 'x'.repeat(501) },
        'invalid_query',
        'query',
      ],
      [
        'more than 1000 results',
        'search',
        { query: 'q', resultItemIds: Array.from({ length: 1001 }, (_, i) => `i${i}`) },
        'too_many_result_items',
        'resultItemIds',
      ],
      [
        'a zero quantity',
        'add_to_cart',
        { itemId: 'a', quantity: 0 },
        'invalid_quantity',
        'quantity',
      ],
      [
        'a fractional quantity',
        'remove_from_cart',
        { itemId: 'a', quantity: 1.5 },
        'invalid_quantity',
        'quantity',
      ],
      ['a purchase without price', 'purchase', { itemId: 'a' }, 'missing_field', 'price'],
      ['a negative price', 'purchase', { itemId: 'a', price: -1 }, 'invalid_price', 'price'],
      [
        'a malformed currency',
        'purchase',
        { itemId: 'a', price: 1, currency: 'euro' },
        'invalid_currency',
        'currency',
      ],
    ])('refuses %s', (_, kind, fields, code, field) => {
      spec
        .given([])
        .when(record(kind, fields))
        .thenThrows(DomainRuleViolation, violation(code, field));
    });

    it('accepts a query of exactly 500 characters', () => {
      const command = record('search', { query: 'x'.repeat(500) });
      expect(shopperDecider.decide(command, fold([]))).toHaveLength(1);
    });
  });
});

describe('shopper state', () => {
  it('tracks the cart, clamping removes and purchases at zero', () => {
    const state = fold([
      added('a1', 'sku-1', 2),
      added('a2', 'sku-2', 1),
      {
        type: 'ShopperRemovedItemFromCart',
        data: { ...viewed('r1').data, itemId: 'sku-2', quantity: 5 },
      },
      {
        type: 'ShopperRemovedItemFromCart',
        data: { ...viewed('r2').data, itemId: 'sku-3', quantity: 1 },
      },
      {
        type: 'ShopperPurchasedItem',
        data: { ...viewed('p1').data, itemId: 'sku-1', quantity: 1, unitPrice: 10 },
      },
    ]);
    expect([...state.cart]).toEqual([['sku-1', 1]]);
    expect([...state.purchasedItemIds]).toEqual(['sku-1']);
    expect(state.interactionCount).toBe(5);
  });

  it('keeps the latest occurredAt even when events arrive out of order', () => {
    const at = (clientEventId: string, occurredAt: string): ShopperEvent => ({
      type: 'ShopperViewedItem',
      data: { ...base, clientEventId, occurredAt, itemId: 'sku-1' },
    });
    const state = fold([
      at('e1', '2025-03-01T10:00:00.000Z'),
      at('e2', '2025-03-01T11:00:00.000Z'),
      at('e3', '2025-03-01T09:00:00.000Z'),
    ]);
    expect(state.lastOccurredAt).toBe('2025-03-01T11:00:00.000Z');
  });

  it('remembers every recorded clientEventId', () => {
    const state = fold([viewed('e1'), viewed('e2')]);
    expect(state.recordedClientEventIds.has('e1')).toBe(true);
    expect(state.recordedClientEventIds.has('e2')).toBe(true);
    expect(state.recordedClientEventIds.has('e3')).toBe(false);
  });

  it('leaves earlier states untouched (evolve is pure)', () => {
    const before = fold([viewed('e1')]);
    const after = shopperDecider.evolve(before, viewed('e2'));
    const branch = shopperDecider.evolve(before, viewed('e3'));
    expect(before.recordedClientEventIds.has('e2')).toBe(false);
    expect(after.recordedClientEventIds.has('e2')).toBe(true);
    expect(after.recordedClientEventIds.has('e3')).toBe(false);
    expect(branch.recordedClientEventIds.has('e3')).toBe(true);
    expect(branch.recordedClientEventIds.has('e2')).toBe(false);
    expect(before.interactionCount).toBe(1);
  });

  it('replays a long stream in linear time', () => {
    let ids = RecordedClientEventIds.empty();
    const started = Date.now();
    for (let i = 0; i < 100_000; i++) ids = ids.with(`client-event-${i}`);
    expect(ids.size).toBe(100_000);
    expect(ids.has('client-event-99999')).toBe(true);
    // A copy per event took over 4 s for 10k; linear is milliseconds.
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('interactionEventType', () => {
  it.each<[InteractionKind, string]>([
    ['search', 'ShopperSearched'],
    ['view', 'ShopperViewedItem'],
    ['add_to_cart', 'ShopperAddedItemToCart'],
    ['remove_from_cart', 'ShopperRemovedItemFromCart'],
    ['purchase', 'ShopperPurchasedItem'],
  ])('maps %s to %s, the type decide records', (kind, type) => {
    const command = record(kind, { itemId: 'sku-1', query: 'q', price: 1 });
    expect(interactionEventType(command)).toBe(type);
    expect(shopperDecider.decide(command, fold([])).map((event) => event.type)).toEqual([type]);
  });
});

describe('shopperStreamId', () => {
  it('prefixes the shopper id', () => {
    expect(shopperStreamId('u1')).toBe('shopper-u1');
  });
});

describe('shopper events', () => {
  const schemaOf = (type: string) =>
    shopperEventDefinitions.find((definition) => definition.type === type)!.schema;

  it('validate every event decide records', () => {
    const commands = [
      record('search', {
        query: 'q',
        resultItemIds: ['a'],
        filters: { color: 'red' },
        attribution: { searchId: 's', position: 0 },
      }),
      record('view', { itemId: 'a', attribution: { recommendationId: 'r', position: 0 } }),
      record('add_to_cart', { itemId: 'a' }),
      record('remove_from_cart', { itemId: 'a', quantity: 2 }),
      record('purchase', { itemId: 'a', price: 0, currency: 'USD' }),
    ];
    const events = commands.flatMap((command) => shopperDecider.decide(command, fold([])));
    expect(events.map((event) => event.type)).toEqual(
      shopperEventDefinitions.map((definition) => definition.type),
    );
    for (const event of events) expect(schemaOf(event.type).parse(event.data)).toEqual(event.data);
  });

  it('refuse an attribution naming both a recommendation and a search', () => {
    const data = {
      ...viewed('e1').data,
      attribution: { recommendationId: 'r', searchId: 's', position: 1 },
    };
    expect(schemaOf('ShopperViewedItem').safeParse(data).success).toBe(false);
  });

  it('refuse a recommendation attribution without a position', () => {
    const data = { ...viewed('e1').data, attribution: { recommendationId: 'r' } };
    expect(schemaOf('ShopperViewedItem').safeParse(data).success).toBe(false);
  });
});
