import { ProjectionHarness, replayScenarios, toProjectedEvents } from '@pulse/testing';
import type { ItemEvent, ItemFields } from '../domain/item.events';
import type { CatalogItemDocument } from './catalog-item.document';
import { CATALOG_ITEMS, createCatalogItemsProjection } from './catalog-items.projection';
import { categoryKeys } from './category-keys';

const T0 = '2025-03-01T10:00:00.000Z';
const T1 = '2025-03-02T10:00:00.000Z';
const T2 = '2025-03-03T10:00:00.000Z';
const T3 = '2025-03-04T10:00:00.000Z';
const T4 = '2025-03-05T10:00:00.000Z';

const shoe: ItemFields = {
  itemId: 'sku-1',
  title: 'Trail runner',
  description: 'A light trail running shoe',
  categoryPath: ['Shoes', 'Running', 'Trail'],
  brand: 'Acme',
  price: 89.9,
  currency: 'EUR',
  stock: 12,
  attributes: { color: 'blue', size: 42, waterproof: true },
  imageUrl: 'https://cdn.example.com/sku-1.jpg',
};

const listed = (at = T0, fields: ItemFields = shoe): ItemEvent => ({
  type: 'ItemListed',
  data: { ...fields, at },
});
const { imageUrl: _image, ...shoeWithoutImage } = shoe;
const updated = (at = T1): ItemEvent => ({
  type: 'ItemUpdated',
  data: { ...shoeWithoutImage, title: 'Trail runner 2', at },
});
const priceChanged = (at = T1): ItemEvent => ({
  type: 'ItemPriceChanged',
  data: {
    itemId: 'sku-1',
    price: 79,
    previousPrice: 89.9,
    currency: 'EUR',
    previousCurrency: 'EUR',
    at,
  },
});
const stockChanged = (stock: number, at = T2): ItemEvent => ({
  type: 'ItemStockChanged',
  data: { itemId: 'sku-1', stock, previousStock: 12, at },
});
const delisted = (at = T3): ItemEvent => ({
  type: 'ItemDelisted',
  data: { itemId: 'sku-1', reason: 'season over', at },
});

async function project(events: ItemEvent[]): Promise<Record<string, CatalogItemDocument>> {
  const harness = new ProjectionHarness(createCatalogItemsProjection());
  await harness.apply(toProjectedEvents(events));
  return harness.documents<CatalogItemDocument>(CATALOG_ITEMS);
}

describe('catalog items projection', () => {
  it('given a listing, then the document has every field, active, in stock, with category keys', async () => {
    const docs = await project([listed()]);
    expect(docs['sku-1']).toEqual({
      ...shoe,
      categoryKeys: ['Shoes', 'Shoes>Running', 'Shoes>Running>Trail'],
      status: 'active',
      inStock: true,
      listedAt: T0,
      updatedAt: T0,
    });
  });

  it('given an update, then the payload replaces the item (a missing imageUrl is removed)', async () => {
    const doc = (await project([listed(), updated(T1)]))['sku-1']!;
    expect(doc.title).toBe('Trail runner 2');
    expect(doc).not.toHaveProperty('imageUrl');
    expect(doc.listedAt).toBe(T0);
    expect(doc.updatedAt).toBe(T1);
  });

  it('given price and stock changes, then price, currency, stock and inStock follow', async () => {
    const doc = (await project([listed(), priceChanged(T1), stockChanged(0, T2)]))['sku-1']!;
    expect(doc).toMatchObject({
      price: 79,
      currency: 'EUR',
      stock: 0,
      inStock: false,
      updatedAt: T2,
    });
    expect(doc.status).toBe('active');
  });

  it('given a delisting, then the item stays with status delisted and the reason', async () => {
    const doc = (await project([listed(), delisted(T3)]))['sku-1']!;
    expect(doc).toMatchObject({ status: 'delisted', delistedAt: T3, delistReason: 'season over' });
  });

  it('given a delisted item listed again, then it is active again from the new listing', async () => {
    const doc = (await project([listed(), delisted(T3), listed(T4)]))['sku-1']!;
    expect(doc.status).toBe('active');
    expect(doc.listedAt).toBe(T4);
    expect(doc).not.toHaveProperty('delistedAt');
    expect(doc).not.toHaveProperty('delistReason');
  });

  it('stores attribute names the document store would refuse through encodeKey', async () => {
    const doc = (
      await project([listed(T0, { ...shoe, attributes: { 'size.eu': 42, $tag: 'x' } })])
    )['sku-1']!;
    expect(doc.attributes).toEqual({ 'size%2Eeu': 42, '%24tag': 'x' });
  });

  it('declares indexes for category, brand and status', () => {
    const [readModel] = createCatalogItemsProjection().readModels;
    const indexed = readModel!.indexes!.flatMap((index) => Object.keys(index.fields));
    expect(indexed).toEqual(expect.arrayContaining(['categoryKeys', 'brand', 'status']));
  });

  it('gives the same documents when events are redelivered, as JSON, on every run', async () => {
    const other = { ...shoe, itemId: 'sku-2', categoryPath: ['Bags'] };
    const events = toProjectedEvents([
      listed(),
      listed(T0, other),
      updated(T1),
      priceChanged(T1),
      stockChanged(3),
      delisted(T3),
      listed(T4),
    ]);
    const runs = await replayScenarios(createCatalogItemsProjection, events);
    expect(runs.eachTwice).toEqual(runs.once);
    expect(runs.sequenceTwice).toEqual(runs.once);
    expect(JSON.stringify(runs.secondRun)).toBe(JSON.stringify(runs.once));
    expect(JSON.parse(JSON.stringify(runs.once))).toEqual(runs.once);
    expect(Object.keys(runs.once[CATALOG_ITEMS]!)).toEqual(['sku-1', 'sku-2']);
  });
});

describe('categoryKeys', () => {
  it('lists every level of the path, root first', () => {
    expect(categoryKeys(['Shoes'])).toEqual(['Shoes']);
    expect(categoryKeys(['Shoes', 'Running'])).toEqual(['Shoes', 'Shoes>Running']);
  });
});
