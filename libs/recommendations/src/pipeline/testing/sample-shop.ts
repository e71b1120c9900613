import { DAY, HOUR, MINUTE, ShopFixture, type ItemSpec, type Shop } from './shop-fixture';

/** The instant every sample-shop request is made at. */
export const NOW = Date.parse('2025-06-01T12:00:00.000Z');

const LONG_AGO = NOW - 120 * DAY;

const RUNNING = ['Shoes', 'Running'];
const HIKING = ['Shoes', 'Hiking'];
const SOCKS = ['Apparel', 'Socks'];
const SHIRTS = ['Apparel', 'Shirts'];
const AUDIO = ['Electronics', 'Audio'];
const COFFEE = ['Grocery', 'Coffee'];

/**
 * The catalog. Audio is the shop's bestseller, so anything personal has to
 * beat plain popularity; running shoes are where the test shoppers' interest lies.
 */
export const SAMPLE_ITEMS: readonly ItemSpec[] = [
  {
    itemId: 'run-1',
    title: 'Stride Trail Runner',
    categoryPath: RUNNING,
    brand: 'Stride',
    price: 120,
  },
  {
    itemId: 'run-2',
    title: 'Stride Road Racer',
    categoryPath: RUNNING,
    brand: 'Stride',
    price: 110,
  },
  {
    itemId: 'run-3',
    title: 'Swift Marathon Pro',
    categoryPath: RUNNING,
    brand: 'Swift',
    price: 140,
  },
  { itemId: 'run-4', title: 'Swift Tempo', categoryPath: RUNNING, brand: 'Swift', price: 95 },
  {
    itemId: 'run-5',
    title: 'Stride Daily Trainer',
    categoryPath: RUNNING,
    brand: 'Stride',
    price: 85,
  },
  {
    itemId: 'run-6',
    title: 'Swift Sprint Spike',
    categoryPath: RUNNING,
    brand: 'Swift',
    price: 130,
  },
  {
    itemId: 'run-7',
    title: 'Stride Cushion Max',
    categoryPath: RUNNING,
    brand: 'Stride',
    price: 150,
  },
  {
    itemId: 'run-8',
    title: 'Swift Trail Blazer',
    categoryPath: RUNNING,
    brand: 'Swift',
    price: 135,
  },
  {
    itemId: 'run-9',
    title: 'Stride Light Racer',
    categoryPath: RUNNING,
    brand: 'Stride',
    price: 105,
  },
  { itemId: 'run-oos', title: 'Stride Cloud', categoryPath: RUNNING, brand: 'Stride', price: 125 },
  { itemId: 'run-gone', title: 'Swift Vintage', categoryPath: RUNNING, brand: 'Swift', price: 90 },
  { itemId: 'hike-1', title: 'Trek Summit Boot', categoryPath: HIKING, brand: 'Trek', price: 170 },
  { itemId: 'hike-2', title: 'Trek Ridge Boot', categoryPath: HIKING, brand: 'Trek', price: 160 },
  { itemId: 'hike-3', title: 'Trek Trail Light', categoryPath: HIKING, brand: 'Trek', price: 150 },
  {
    itemId: 'sock-1',
    title: 'Stride Running Socks',
    categoryPath: SOCKS,
    brand: 'Stride',
    price: 15,
  },
  { itemId: 'sock-2', title: 'Trek Wool Socks', categoryPath: SOCKS, brand: 'Trek', price: 18 },
  { itemId: 'shirt-1', title: 'Basic Tee White', categoryPath: SHIRTS, brand: 'Basic', price: 25 },
  { itemId: 'shirt-2', title: 'Basic Tee Black', categoryPath: SHIRTS, brand: 'Basic', price: 25 },
  {
    itemId: 'shirt-3',
    title: 'Basic Running Shirt',
    categoryPath: SHIRTS,
    brand: 'Basic',
    price: 35,
    attributes: { compareAtPrice: 45 },
  },
  { itemId: 'audio-1', title: 'Sonic Headphones', categoryPath: AUDIO, brand: 'Sonic', price: 199 },
  { itemId: 'audio-2', title: 'Sonic Earbuds', categoryPath: AUDIO, brand: 'Sonic', price: 99 },
  { itemId: 'audio-3', title: 'Sonic Speaker', categoryPath: AUDIO, brand: 'Sonic', price: 149 },
  { itemId: 'audio-4', title: 'Sonic Sport Buds', categoryPath: AUDIO, brand: 'Sonic', price: 79 },
  { itemId: 'audio-5', title: 'Sonic Soundbar', categoryPath: AUDIO, brand: 'Sonic', price: 299 },
  {
    itemId: 'coffee-1',
    title: 'Bean Espresso 1kg',
    categoryPath: COFFEE,
    brand: 'Bean',
    price: 14,
  },
  { itemId: 'coffee-2', title: 'Bean Filter 1kg', categoryPath: COFFEE, brand: 'Bean', price: 12 },
];

/** Listed lately: new arrivals. */
export const NEW_ITEMS: readonly (ItemSpec & { listedAgo: number })[] = [
  {
    itemId: 'run-new',
    title: 'Stride Nova',
    categoryPath: RUNNING,
    brand: 'Stride',
    price: 115,
    listedAgo: 2 * DAY,
  },
  {
    itemId: 'audio-new',
    title: 'Sonic Pods Mini',
    categoryPath: AUDIO,
    brand: 'Sonic',
    price: 59,
    listedAgo: DAY,
  },
  {
    itemId: 'shirt-new',
    title: 'Basic Linen Shirt',
    categoryPath: SHIRTS,
    brand: 'Basic',
    price: 45,
    listedAgo: 3 * DAY,
  },
];

/**
 * The sample shop's history, and four shoppers:
 * - alice viewed run-1, run-2 and run-3 (10, 6 and 3 min ago): running shoes.
 * - bob bought run-4 (2 days ago) and coffee-1 (5 days ago), viewed run-1 yesterday.
 * - carol has run-5 in her cart (added 5 min ago).
 * - dave viewed hike-1 and audio-1 long ago and nothing since (a faded profile).
 * Out of stock: run-oos; delisted: run-gone; never listed: ghost-1. All three
 * are popular and co-viewed with run-1, so they would come up if not filtered.
 */
export async function buildSampleShop(): Promise<Shop> {
  const shop = new ShopFixture();
  for (const item of SAMPLE_ITEMS) shop.list(item, LONG_AGO);
  for (const { listedAgo, ...item } of NEW_ITEMS) shop.list(item, NOW - listedAgo);
  shop.stock('run-oos', 0, 10, NOW - 2 * DAY);
  shop.delist('run-gone', NOW - 3 * DAY);

  // Background traffic over the last three weeks, one session per shopper.
  const days = (n: number, i: number) => NOW - n * DAY + i * 7 * MINUTE;
  for (let i = 0; i < 40; i++) {
    shop.viewSession(
      `bg-audio-${i}`,
      's',
      ['audio-1', 'audio-2', 'audio-3'],
      days(3 + (i % 15), i),
    );
  }
  for (let i = 0; i < 12; i++) {
    const start = days(2 + (i % 10), i);
    shop.viewSession(
      `bg-run-${i}`,
      's',
      ['run-1', 'run-2', 'run-3', 'run-4', 'run-oos', 'run-gone', 'ghost-1'],
      start,
    );
    if (i % 2 === 0) {
      shop.purchase(`bg-run-${i}`, 'run-1', start + 10 * MINUTE, 120, 's');
      shop.purchase(`bg-run-${i}`, 'sock-1', start + 11 * MINUTE, 15, 's');
    }
  }
  for (let i = 0; i < 6; i++) {
    shop.viewSession(
      `bg-run5-${i}`,
      's',
      ['run-5', 'run-6', 'run-7', 'run-8', 'run-9', 'run-1'],
      days(4 + i, i),
    );
  }
  for (let i = 0; i < 8; i++) {
    shop.viewSession(`bg-hike-${i}`, 's', ['hike-1', 'hike-2', 'hike-3', 'sock-2'], days(3 + i, i));
  }
  for (let i = 0; i < 10; i++) {
    shop.viewSession(`bg-shirt-${i}`, 's', ['shirt-1', 'shirt-2', 'shirt-3'], days(2 + i, i));
  }
  for (let i = 0; i < 10; i++) {
    shop.purchase(`bg-coffee-${i}`, i % 2 ? 'coffee-1' : 'coffee-2', days(1 + i, i), 14, 's');
  }
  // audio-4 is taking off: a burst in the last few hours.
  for (let i = 0; i < 25; i++)
    shop.view(`bg-burst-${i}`, 'audio-4', NOW - 6 * HOUR + i * 10 * MINUTE, 's');
  // A little interest in the new arrivals.
  shop.view('bg-new-1', 'run-new', NOW - DAY, 's');
  shop.view('bg-new-2', 'audio-new', NOW - 12 * HOUR, 's');

  // The shoppers under test.
  shop
    .view('alice', 'run-1', NOW - 10 * MINUTE)
    .view('alice', 'run-2', NOW - 6 * MINUTE)
    .view('alice', 'run-3', NOW - 3 * MINUTE);
  shop
    .purchase('bob', 'coffee-1', NOW - 5 * DAY, 14, 'bob-1')
    .purchase('bob', 'run-4', NOW - 2 * DAY, 95, 'bob-2')
    .view('bob', 'run-1', NOW - DAY, 'bob-3');
  shop.view('carol', 'run-5', NOW - 7 * MINUTE).addToCart('carol', 'run-5', NOW - 5 * MINUTE);
  shop.view('dave', 'hike-1', NOW - 60 * DAY).view('dave', 'audio-1', NOW - 59 * DAY);
  return shop.build();
}
