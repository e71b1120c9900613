import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import type { ExpectedRevision } from '@pulse/platform/event-store/event-store.port';
import type { SqliteEventStore, StreamAppend } from '@pulse/platform/event-store/sqlite-event-store.adapter';
import { SeededRandom } from '@pulse/testing/synthetic/shop/random';
import { StoredEventFactory, type StreamEvent } from '@pulse/testing/synthetic/shop/stored-event.factory';
import type { WireInteraction, WireItem } from '@pulse/testing/synthetic/shop/wire';

/**
 * Test fixture: a tiny shop with a clear category structure, written to an
 * event store as the service stores it (StoredEventFactory: real deciders,
 * payload validation). Each category has its own department, sub-categories,
 * brand, price level and title word; each shopper likes one category and
 * views its items in a fixed order with a little noise. A content model must
 * learn "same category, brand, price, words" from this; the seed fixes it.
 */
export const CATEGORIES = 6;
export const PER_CATEGORY = 8;
export const NUM_ITEMS = CATEGORIES * PER_CATEGORY;
const PRICES = [4, 15, 30, 70, 300, 1500];
const WORDS = ['kettle', 'sneaker', 'lamp', 'tent', 'guitar', 'sofa'];
/** Title words of a category's variants: shared words across categories would blur "same kind of item". */
const STYLES = [
  ['steel', 'glass', 'travel'],
  ['runner', 'trail', 'court'],
  ['desk', 'floor', 'reading'],
  ['dome', 'tunnel', 'family'],
  ['acoustic', 'electric', 'bass'],
  ['corner', 'leather', 'velvet'],
];
const SHOPPERS = 240;
const HOUR = 3_600_000;
const START = Date.parse('2026-01-05T00:00:00.000Z');

/** The catalog fields of variant `variant` of category `category` (variants >= PER_CATEGORY are items never trained on). */
export function itemFields(category: number, variant: number) {
  return {
    title: `${STYLES[category]![variant % 3]} ${WORDS[category]}`,
    categoryPath: [`Dept${category % 2}`, `Cat${category}`, `Sub${category}-${variant % 2}`],
    brand: `Brand${category}`,
    price: PRICES[category]! * (1 + 0.2 * (variant % 3)),
    currency: 'EUR',
  };
}

export const itemIdOf = (category: number, variant: number): string => `c${category}-v${variant}`;

/** A `catalog_items` document for an item, as the catalog projection would hold it (for serving tests). */
export function catalogDocument(category: number, variant: number, itemId = itemIdOf(category, variant)): CatalogItemDocument {
  const fields = itemFields(category, variant);
  const keys = fields.categoryPath.map((_, i) => fields.categoryPath.slice(0, i + 1).join('>'));
  return {
    itemId,
    ...fields,
    description: '',
    stock: 5,
    attributes: {},
    status: 'active',
    inStock: true,
    categoryKeys: keys,
    listedAt: new Date(START + 400 * HOUR).toISOString(),
    updatedAt: new Date(START + 400 * HOUR).toISOString(),
  };
}

/** Writes the catalog, then every shopper's views; returns the head position. The store must be empty. */
export async function writeCategorisedShop(store: SqliteEventStore, seed = 11, shoppers = SHOPPERS): Promise<bigint> {
  const random = new SeededRandom(seed);
  const factory = new StoredEventFactory(random);
  const items: WireItem[] = [];
  for (let c = 0; c < CATEGORIES; c++) {
    for (let v = 0; v < PER_CATEGORY; v++) {
      items.push({ id: itemIdOf(c, v), ...itemFields(c, v), description: '', stock: 5, attributes: {} });
    }
  }
  const events: StreamEvent[] = factory.listings(items, new Date(START - 24 * HOUR).toISOString());
  const views: { at: number; wire: WireInteraction }[] = [];
  for (let s = 0; s < shoppers; s++) {
    const category = s % CATEGORIES;
    const length = 6 + random.int(4);
    let k = random.int(PER_CATEGORY);
    for (let j = 0; j < length; j++, k++) {
      const noise = random.chance(0.1);
      const itemId = noise
        ? itemIdOf(random.int(CATEGORIES), random.int(PER_CATEGORY))
        : itemIdOf(category, k % PER_CATEGORY);
      // Step j of every shopper at about the same hour: the time split's cut then leaves each shopper a training prefix.
      const at = START + j * HOUR + s * 1000;
      views.push({
        at,
        wire: {
          eventId: random.uuid(),
          type: 'view',
          itemId,
          shopperId: `shopper-${s}`,
          sessionId: `session-${s}`,
          occurredAt: new Date(at).toISOString(),
        },
      });
    }
  }
  views.sort((a, b) => a.at - b.at);
  for (const { at, wire } of views) events.push(...factory.interactions([wire], new Date(at).toISOString()));
  return appendInOrder(store, events);
}

async function appendInOrder(store: SqliteEventStore, events: readonly StreamEvent[]): Promise<bigint> {
  const revisions = new Map<string, bigint>();
  const appends: StreamAppend[] = events.map(({ streamId, event }) => {
    const last = revisions.get(streamId);
    const expected: ExpectedRevision = last === undefined ? 'no_stream' : last;
    revisions.set(streamId, last === undefined ? 0n : last + 1n);
    return { streamId, events: [event], expected };
  });
  const results = await store.appendMany(appends);
  return results[results.length - 1]!.position;
}
