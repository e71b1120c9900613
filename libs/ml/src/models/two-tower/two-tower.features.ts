import {
  categoryKeys,
  ItemContent,
  ItemFeatureTable,
  priceBandOf,
  ShopperInterest,
} from '../../datasets/item-features';

/**
 * Feature encoding for the two-tower network (no tensors here): item content
 * becomes fixed-width rows of content-vocabulary ids, and a shopper's interest
 * state becomes a few more. One vocabulary holds every content key, prefixed
 * by field ('c:Shoes>Running', 'b:Acme', 'p:50-100', 't:trail'); id 0 is
 * padding, so a missing value is simply a 0 slot.
 */

export interface FeatureLayout {
  /** Category levels kept per item (the first ones of the path). */
  readonly categorySlots: number;
  readonly titleSlots: number;
  /** Interest slots: top categories, brands, price bands. */
  readonly interestCategorySlots: number;
  readonly interestBrandSlots: number;
  readonly interestPriceSlots: number;
}

export const DEFAULT_LAYOUT: FeatureLayout = {
  categorySlots: 5,
  titleSlots: 16,
  interestCategorySlots: 6,
  interestBrandSlots: 3,
  interestPriceSlots: 2,
};

/** Content fields of an item, in slot order. Brand and price have one slot each. */
export const ITEM_FIELDS = ['category', 'brand', 'price', 'title'] as const;
export const INTEREST_FIELDS = ['category', 'brand', 'price'] as const;

export function itemSlotWidth(l: FeatureLayout): number {
  return l.categorySlots + 2 + l.titleSlots;
}
export function interestSlotWidth(l: FeatureLayout): number {
  return l.interestCategorySlots + l.interestBrandSlots + l.interestPriceSlots;
}
/** [start, end) of each item field inside an item's slot row. */
export function itemFieldRanges(l: FeatureLayout): [number, number][] {
  const c = l.categorySlots;
  return [
    [0, c],
    [c, c + 1],
    [c + 1, c + 2],
    [c + 2, c + 2 + l.titleSlots],
  ];
}
export function interestFieldRanges(l: FeatureLayout): [number, number][] {
  const a = l.interestCategorySlots;
  const b = a + l.interestBrandSlots;
  return [
    [0, a],
    [a, b],
    [b, b + l.interestPriceSlots],
  ];
}

export interface VocabularyOptions {
  /** Title tokens seen on fewer items are dropped (they cannot be learned). */
  readonly minTokenCount: number;
  readonly maxTitleVocabulary: number;
}

/** Content keys; vocabulary id = position + 1. Saved with the model so new items encode the same way. */
export class ContentVocabulary {
  private readonly index = new Map<string, number>();

  constructor(readonly keys: readonly string[]) {
    keys.forEach((k, i) => this.index.set(k, i + 1));
  }

  get size(): number {
    return this.keys.length;
  }

  id(key: string): number {
    return this.index.get(key) ?? 0;
  }

  static build(table: ItemFeatureTable | undefined, options: VocabularyOptions): ContentVocabulary {
    if (!table) return new ContentVocabulary([]);
    const fixed = new Set<string>();
    const tokens = new Map<string, number>();
    for (const item of table.items) {
      if (!item) continue;
      for (const key of categoryKeys(item.categoryPath)) fixed.add(`c:${key}`);
      if (item.brand) fixed.add(`b:${item.brand}`);
      const band = priceBandOf(item.price);
      if (band) fixed.add(`p:${band}`);
      for (const t of new Set(normaliseTokens(item.titleTokens))) {
        tokens.set(t, (tokens.get(t) ?? 0) + 1);
      }
    }
    const kept = [...tokens.entries()]
      .filter(([, n]) => n >= options.minTokenCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, options.maxTitleVocabulary)
      .map(([t]) => `t:${t}`);
    return new ContentVocabulary([...[...fixed].sort(), ...kept]);
  }
}

function normaliseTokens(tokens: readonly string[] | undefined): string[] {
  return tokens ? tokens.map((t) => t.toLowerCase()).filter((t) => t.length > 0) : [];
}

/** Writes one item's content ids into `out` at `offset` (itemSlotWidth entries; 0 = empty). */
export function encodeItemContent(
  content: ItemContent | undefined,
  vocab: ContentVocabulary,
  layout: FeatureLayout,
  out: Int32Array,
  offset: number,
): void {
  out.fill(0, offset, offset + itemSlotWidth(layout));
  if (!content || vocab.size === 0) return;
  const [cat, brand, price, title] = itemFieldRanges(layout);
  let s = cat[0];
  for (const key of categoryKeys(content.categoryPath)) {
    if (s >= cat[1]) break;
    const id = vocab.id(`c:${key}`);
    if (id) out[offset + s++] = id;
  }
  if (content.brand) out[offset + brand[0]] = vocab.id(`b:${content.brand}`);
  const band = priceBandOf(content.price);
  if (band) out[offset + price[0]] = vocab.id(`p:${band}`);
  s = title[0];
  const seen = new Set<number>();
  for (const t of normaliseTokens(content.titleTokens)) {
    if (s >= title[1]) break;
    const id = vocab.id(`t:${t}`);
    if (id && !seen.has(id)) {
      seen.add(id);
      out[offset + s++] = id;
    }
  }
}

/**
 * Content rows of every known item, indexed by item + 1 (row 0 = the padding
 * item, all zeros), so a left-padded history maps onto it directly.
 */
export function encodeItemTable(
  numItems: number,
  table: ItemFeatureTable | undefined,
  vocab: ContentVocabulary,
  layout: FeatureLayout,
): Int32Array {
  const w = itemSlotWidth(layout);
  const out = new Int32Array((numItems + 1) * w);
  if (!table || vocab.size === 0) return out;
  for (let i = 0; i < numItems; i++)
    encodeItemContent(table.items[i], vocab, layout, out, (i + 1) * w);
  return out;
}

/** Interest given by a caller (the shopper profile), encoded into `out` at `offset`. */
export function encodeInterest(
  interest: ShopperInterest,
  vocab: ContentVocabulary,
  layout: FeatureLayout,
  out: Int32Array,
  offset: number,
): void {
  out.fill(0, offset, offset + interestSlotWidth(layout));
  if (vocab.size === 0) return;
  const [cat, brand, price] = interestFieldRanges(layout);
  const put = (keys: readonly string[] | undefined, prefix: string, range: [number, number]) => {
    let s = range[0];
    for (const key of keys ?? []) {
      if (s >= range[1]) break;
      const id = vocab.id(prefix + key);
      if (id) out[offset + s++] = id;
    }
  };
  put(interest.categories, 'c:', cat);
  put(interest.brands, 'b:', brand);
  // The profile keys bands by currency ('EUR:50-100'); the model knows bands only.
  put(
    interest.priceBands?.map((b) => b.slice(b.lastIndexOf(':') + 1)),
    'p:',
    price,
  );
}

/**
 * Interest derived from a history when no profile is given (always, in
 * training): decayed counts of the history items' category, brand and price
 * ids, strongest first, like the profile's decayed affinities. Reads the
 * item content rows, so new items in the history count by their content.
 */
export class InterestDeriver {
  private readonly scores: Float64Array;
  private readonly touched: number[] = [];

  constructor(
    private readonly vocabSize: number,
    private readonly layout: FeatureLayout,
    private readonly decay = 0.9,
  ) {
    this.scores = new Float64Array(vocabSize + 1);
  }

  /** `rows(k)` gives the content row offset in `slots` of the k-th latest item, k = 0 latest. */
  derive(
    count: number,
    slots: Int32Array,
    rowOffset: (k: number) => number,
    out: Int32Array,
    offset: number,
  ): void {
    const l = this.layout;
    out.fill(0, offset, offset + interestSlotWidth(l));
    if (this.vocabSize === 0) return;
    const [cat, brand, price] = itemFieldRanges(l);
    const buckets: number[][] = [[], [], []];
    let weight = 1;
    for (let k = 0; k < count; k++, weight *= this.decay) {
      const base = rowOffset(k);
      const fields: [number, number, number][] = [
        [cat[0], cat[1], 0],
        [brand[0], brand[1], 1],
        [price[0], price[1], 2],
      ];
      for (const [a, b, f] of fields) {
        for (let s = a; s < b; s++) {
          const id = slots[base + s];
          if (id === 0) continue;
          if (this.scores[id] === 0) {
            this.touched.push(id);
            buckets[f].push(id);
          }
          this.scores[id] += weight;
        }
      }
    }
    const ranges = interestFieldRanges(l);
    for (let f = 0; f < 3; f++) {
      const ids = buckets[f].sort((x, y) => this.scores[y] - this.scores[x] || x - y);
      const [a, b] = ranges[f];
      for (let s = a, i = 0; s < b && i < ids.length; s++, i++) out[offset + s] = ids[i];
    }
    for (const id of this.touched) this.scores[id] = 0;
    this.touched.length = 0;
  }
}
