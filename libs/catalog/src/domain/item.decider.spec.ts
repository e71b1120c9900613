import { DomainRuleViolation } from '@pulse/platform/domain/domain-rule-violation';
import { DeciderSpecification } from '@pulse/testing';
import { itemDecider, itemStreamId, itemView, type ItemCommand } from './item.decider';
import { itemEventDefinitions, type ItemEvent, type ItemFields } from './item.events';

const T0 = '2025-03-01T10:00:00.000Z';
const T1 = '2025-03-02T10:00:00.000Z';
const T2 = '2025-03-03T10:00:00.000Z';

const shoe: ItemFields = {
  itemId: 'sku-1',
  title: 'Trail runner',
  description: 'A light trail running shoe',
  categoryPath: ['Shoes', 'Running'],
  brand: 'Acme',
  price: 89.9,
  currency: 'EUR',
  stock: 12,
  attributes: { color: 'blue', size: 42, waterproof: true },
  imageUrl: 'https://cdn.example.com/sku-1.jpg',
};

const listed = (fields: ItemFields = shoe, at = T0): ItemEvent => ({
  type: 'ItemListed',
  data: { ...fields, at },
});
const delisted = (at = T1): ItemEvent => ({
  type: 'ItemDelisted',
  data: { itemId: shoe.itemId, at },
});
const put = (fields: ItemFields = shoe, at = T1): ItemCommand => ({
  type: 'ListOrUpdateItem',
  data: { ...fields, at },
});

const violation = (code: string, field: string) => (error: DomainRuleViolation) =>
  error.code === code && error.field === field;

const spec = DeciderSpecification.for(itemDecider);

describe('item decider', () => {
  describe('ListOrUpdateItem', () => {
    it('lists an item the first time it is put', () => {
      spec
        .given([])
        .when(put(shoe, T0))
        .then([listed(shoe, T0)]);
    });

    it('lists an item without an image', () => {
      const { imageUrl: _, ...noImage } = shoe;
      spec
        .given([])
        .when(put(noImage, T0))
        .then([{ type: 'ItemListed', data: { ...noImage, at: T0 } }]);
    });

    it('records nothing when the same item is put again (idempotent PUT)', () => {
      spec.given([listed()]).when(put(shoe, T1)).thenNothing();
    });

    it('ignores the order of attribute keys when comparing', () => {
      const reordered = { ...shoe, attributes: { waterproof: true, size: 42, color: 'blue' } };
      spec.given([listed()]).when(put(reordered, T1)).thenNothing();
    });

    it('records the whole new item when any field changed', () => {
      const renamed = { ...shoe, title: 'Trail runner 2' };
      spec
        .given([listed()])
        .when(put(renamed, T1))
        .then([{ type: 'ItemUpdated', data: { ...renamed, at: T1 } }]);
    });

    it.each<[string, Partial<ItemFields>]>([
      ['category path', { categoryPath: ['Shoes'] }],
      ['attribute value', { attributes: { ...shoe.attributes, size: 43 } }],
      ['removed attribute', { attributes: { color: 'blue', size: 42 } }],
      ['image removed', { imageUrl: undefined }],
      ['price', { price: 79.9 }],
      ['stock', { stock: 0 }],
    ])('treats a changed %s as an update', (_, change) => {
      const changed = { ...shoe, ...change };
      spec
        .given([listed()])
        .when(put(changed, T1))
        .then([{ type: 'ItemUpdated', data: { ...changed, at: T1 } }]);
    });

    it('lists a delisted item again, even unchanged', () => {
      spec
        .given([listed(), delisted(T1)])
        .when(put(shoe, T2))
        .then([listed(shoe, T2)]);
    });

    it('keeps stray command properties out of the event', () => {
      const command = {
        type: 'ListOrUpdateItem',
        data: { ...shoe, at: T0, internalNote: 'x' },
      } as ItemCommand;
      spec
        .given([])
        .when(command)
        .then([listed(shoe, T0)]);
    });

    it.each<[string, Partial<ItemFields>, string, string]>([
      ['a negative price', { price: -1 }, 'invalid_price', 'price'],
      ['a non-finite price', { price: Number.NaN }, 'invalid_price', 'price'],
      ['a lower-case currency', { currency: 'eur' }, 'invalid_currency', 'currency'],
      ['a fractional stock', { stock: 1.5 }, 'invalid_stock', 'stock'],
      ['a negative stock', { stock: -1 }, 'invalid_stock', 'stock'],
      ['an empty category path', { categoryPath: [] }, 'invalid_category_path', 'categoryPath'],
      [
        'a blank category',
        { categoryPath: ['Shoes', ' '] },
        'invalid_category_path',
        'categoryPath',
      ],
      ['a blank title', { title: '  ' }, 'invalid_title', 'title'],
    ])('refuses %s', (_, change, code, field) => {
      spec
        .given([])
        .when(put({ ...shoe, ...change }))
        .thenThrows(DomainRuleViolation, violation(code, field));
    });
  });

  describe('ChangeItemPrice', () => {
    const changePrice = (price: number, currency?: string): ItemCommand => ({
      type: 'ChangeItemPrice',
      data: { itemId: shoe.itemId, price, ...(currency && { currency }), at: T1 },
    });

    it('records the new and the previous price, keeping the currency', () => {
      spec
        .given([listed()])
        .when(changePrice(79.9))
        .then([
          {
            type: 'ItemPriceChanged',
            data: {
              itemId: 'sku-1',
              price: 79.9,
              previousPrice: 89.9,
              currency: 'EUR',
              previousCurrency: 'EUR',
              at: T1,
            },
          },
        ]);
    });

    it('changes the currency when one is given', () => {
      spec
        .given([listed()])
        .when(changePrice(89.9, 'USD'))
        .then([
          {
            type: 'ItemPriceChanged',
            data: {
              itemId: 'sku-1',
              price: 89.9,
              previousPrice: 89.9,
              currency: 'USD',
              previousCurrency: 'EUR',
              at: T1,
            },
          },
        ]);
    });

    it('accepts a price of zero', () => {
      spec
        .given([listed()])
        .when(changePrice(0))
        .then([
          {
            type: 'ItemPriceChanged',
            data: {
              itemId: 'sku-1',
              price: 0,
              previousPrice: 89.9,
              currency: 'EUR',
              previousCurrency: 'EUR',
              at: T1,
            },
          },
        ]);
    });

    it('records nothing when price and currency are unchanged', () => {
      spec.given([listed()]).when(changePrice(89.9, 'EUR')).thenNothing();
    });

    it('sees the price an earlier update set', () => {
      const updated: ItemEvent = { type: 'ItemUpdated', data: { ...shoe, price: 50, at: T1 } };
      spec.given([listed(), updated]).when(changePrice(50)).thenNothing();
    });

    it('refuses an unknown item', () => {
      spec
        .given([])
        .when(changePrice(10))
        .thenThrows(DomainRuleViolation, violation('item_not_found', 'itemId'));
    });

    it('refuses a delisted item', () => {
      spec
        .given([listed(), delisted()])
        .when(changePrice(10))
        .thenThrows(DomainRuleViolation, violation('item_delisted', 'itemId'));
    });

    it('refuses a negative price', () => {
      spec
        .given([listed()])
        .when(changePrice(-0.01))
        .thenThrows(DomainRuleViolation, violation('invalid_price', 'price'));
    });

    it('refuses a malformed currency', () => {
      spec
        .given([listed()])
        .when(changePrice(10, 'EURO'))
        .thenThrows(DomainRuleViolation, violation('invalid_currency', 'currency'));
    });
  });

  describe('ChangeItemStock', () => {
    const changeStock = (stock: number): ItemCommand => ({
      type: 'ChangeItemStock',
      data: { itemId: shoe.itemId, stock, at: T1 },
    });

    it('records the new and the previous stock', () => {
      spec
        .given([listed()])
        .when(changeStock(0))
        .then([
          {
            type: 'ItemStockChanged',
            data: { itemId: 'sku-1', stock: 0, previousStock: 12, at: T1 },
          },
        ]);
    });

    it('records nothing when the stock is unchanged', () => {
      spec.given([listed()]).when(changeStock(12)).thenNothing();
    });

    it('sees the stock an earlier change set', () => {
      const changed: ItemEvent = {
        type: 'ItemStockChanged',
        data: { itemId: 'sku-1', stock: 3, previousStock: 12, at: T1 },
      };
      spec.given([listed(), changed]).when(changeStock(3)).thenNothing();
    });

    it('refuses an unknown item', () => {
      spec
        .given([])
        .when(changeStock(1))
        .thenThrows(DomainRuleViolation, violation('item_not_found', 'itemId'));
    });

    it('refuses a delisted item', () => {
      spec
        .given([listed(), delisted()])
        .when(changeStock(1))
        .thenThrows(DomainRuleViolation, violation('item_delisted', 'itemId'));
    });

    it.each([-1, 2.5])('refuses a stock of %p', (stock) => {
      spec
        .given([listed()])
        .when(changeStock(stock))
        .thenThrows(DomainRuleViolation, violation('invalid_stock', 'stock'));
    });
  });

  describe('DelistItem', () => {
    const delist = (reason?: string): ItemCommand => ({
      type: 'DelistItem',
      data: { itemId: shoe.itemId, ...(reason && { reason }), at: T1 },
    });

    it('delists a listed item with its reason', () => {
      spec
        .given([listed()])
        .when(delist('discontinued'))
        .then([
          { type: 'ItemDelisted', data: { itemId: 'sku-1', reason: 'discontinued', at: T1 } },
        ]);
    });

    it('delists without a reason', () => {
      spec
        .given([listed()])
        .when(delist())
        .then([delisted(T1)]);
    });

    it('records nothing when already delisted', () => {
      spec.given([listed(), delisted()]).when(delist()).thenNothing();
    });

    it('refuses an unknown item', () => {
      spec
        .given([])
        .when(delist())
        .thenThrows(DomainRuleViolation, violation('item_not_found', 'itemId'));
    });

    it('can be delisted again after re-listing', () => {
      spec
        .given([listed(), delisted(T1), listed(shoe, T2)])
        .when(delist())
        .then([delisted(T1)]);
    });
  });
});

describe('itemView', () => {
  const fold = (events: ItemEvent[]) =>
    events.reduce(itemDecider.evolve, itemDecider.initialState());

  it('is null for an item never listed', () => {
    expect(itemView(fold([]))).toBeNull();
  });

  it('shows an active item with every field and its timestamps', () => {
    const priceChanged: ItemEvent = {
      type: 'ItemPriceChanged',
      data: {
        itemId: 'sku-1',
        price: 70,
        previousPrice: 89.9,
        currency: 'EUR',
        previousCurrency: 'EUR',
        at: T1,
      },
    };
    const stockChanged: ItemEvent = {
      type: 'ItemStockChanged',
      data: { itemId: 'sku-1', stock: 4, previousStock: 12, at: T2 },
    };
    expect(itemView(fold([listed(), priceChanged, stockChanged]))).toEqual({
      id: 'sku-1',
      status: 'active',
      title: 'Trail runner',
      description: 'A light trail running shoe',
      categoryPath: ['Shoes', 'Running'],
      brand: 'Acme',
      price: 70,
      currency: 'EUR',
      stock: 4,
      attributes: { color: 'blue', size: 42, waterproof: true },
      imageUrl: 'https://cdn.example.com/sku-1.jpg',
      listedAt: T0,
      updatedAt: T2,
    });
  });

  it('shows a delisted item with when and why', () => {
    const withReason: ItemEvent = {
      type: 'ItemDelisted',
      data: { itemId: 'sku-1', reason: 'recalled', at: T1 },
    };
    expect(itemView(fold([listed(), withReason]))).toMatchObject({
      id: 'sku-1',
      status: 'delisted',
      listedAt: T0,
      updatedAt: T1,
      delistedAt: T1,
      delistReason: 'recalled',
    });
  });

  it('resets listedAt when an item is listed again', () => {
    const view = itemView(fold([listed(), delisted(T1), listed(shoe, T2)]));
    expect(view).toMatchObject({ status: 'active', listedAt: T2, updatedAt: T2 });
    expect(view).not.toHaveProperty('delistedAt');
  });
});

describe('itemStreamId', () => {
  it('prefixes the item id', () => {
    expect(itemStreamId('sku-1')).toBe('item-sku-1');
  });
});

describe('item events', () => {
  it('validate what the decider emits', () => {
    const schemaOf = (type: string) =>
      itemEventDefinitions.find((definition) => definition.type === type)!.schema;
    const emitted: ItemEvent[] = [
      listed(),
      ...itemDecider.decide(
        put({ ...shoe, stock: 1 }),
        itemDecider.evolve(itemDecider.initialState(), listed()),
      ),
      {
        type: 'ItemPriceChanged',
        data: {
          itemId: 'sku-1',
          price: 1,
          previousPrice: 2,
          currency: 'EUR',
          previousCurrency: 'EUR',
          at: T1,
        },
      },
      { type: 'ItemStockChanged', data: { itemId: 'sku-1', stock: 1, previousStock: 2, at: T1 } },
      delisted(),
    ];
    expect(new Set(emitted.map((event) => event.type))).toEqual(
      new Set(itemEventDefinitions.map((d) => d.type)),
    );
    for (const event of emitted) expect(schemaOf(event.type).parse(event.data)).toEqual(event.data);
  });

  it('refuse an image URL that is not http(s)', () => {
    const result = itemEventDefinitions[0].schema.safeParse({
      ...shoe,
      imageUrl: 'javascript:alert(1)',
      at: T0,
    });
    expect(result.success).toBe(false);
  });

  it('refuse a fractional stock and an empty category path', () => {
    const schema = itemEventDefinitions[0].schema;
    expect(schema.safeParse({ ...shoe, stock: 1.5, at: T0 }).success).toBe(false);
    expect(schema.safeParse({ ...shoe, categoryPath: [], at: T0 }).success).toBe(false);
  });
});
