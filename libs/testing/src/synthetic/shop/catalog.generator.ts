import { type Brand, type BrandCatalog, generateBrands } from './brand.generator';
import { CategoryTree, type LeafCategory } from './category-tree';
import {
  type ItemTextFeatures,
  MODEL_SUFFIXES,
  renderDescription,
  renderTitle,
  type TitleLanguage,
} from './item-text';
import { forkSeed, SeededRandom, WeightedSampler, zipfWeight } from './random';
import { COLOURS } from './vocabulary';
import type { WireItem } from './wire';

/**
 * The synthetic catalog: items spread over the category tree, each with a
 * brand that makes that kind of thing, a price drawn log-normally around its
 * leaf's typical price (scaled by the brand's price level), a title and
 * description in English, Chinese or both, stock (some sold out) and
 * attributes. Within a leaf, item popularity follows Zipf's law: a few items
 * take most of the views. Quality (the ground truth the click model uses)
 * leans towards the popular items, with noise.
 *
 * The catalog grows: `addItem` lists a new item later in the simulation.
 */

export interface CatalogOptions {
  /** Items in the initial catalog. Default 10 000. */
  readonly items?: number;
  /** Default: about one per 60 items, between 40 and 600. */
  readonly brands?: number;
  /** Share of items titled only in Chinese. Default 0.25. */
  readonly chineseShare?: number;
  /** Share of items titled in both English and Chinese. Default 0.15. */
  readonly bilingualShare?: number;
  /** Share of items out of stock at the start. Default 0.05. */
  readonly outOfStockShare?: number;
  /** Zipf exponent of item popularity within a leaf. Default 1. */
  readonly zipfExponent?: number;
  readonly currency?: string;
  /** Item ids are `<prefix><6-digit index>`. Default 'sku-'. */
  readonly idPrefix?: string;
}

/** An item with its ground truth (what no shop knows, but an evaluation may). */
export interface ShopItem {
  readonly id: string;
  readonly index: number;
  readonly leaf: LeafCategory;
  readonly brand: Brand | undefined;
  readonly colour: number;
  readonly material: number;
  readonly adjective: number;
  readonly language: TitleLanguage;
  readonly title: string;
  readonly description: string;
  readonly price: number;
  /** Current stock as the shop's warehouse knows it (changes as the simulation sells). */
  stock: number;
  /** 0..1: how likely a shopper who likes this kind of item engages with this one. */
  readonly quality: number;
  /** Relative popularity within its leaf (Zipf weight). */
  readonly popularity: number;
  /** Simulated time it was listed; undefined for the initial catalog. */
  readonly listedAt?: number;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

const DEFAULTS = {
  items: 10_000,
  chineseShare: 0.25,
  bilingualShare: 0.15,
  outOfStockShare: 0.05,
  zipfExponent: 1,
  currency: 'EUR',
  idPrefix: 'sku-',
};

export class Catalog {
  readonly tree: CategoryTree;
  readonly brands: BrandCatalog;
  readonly currency: string;
  private readonly options: typeof DEFAULTS;
  private readonly list: ShopItem[] = [];
  private readonly byId = new Map<string, ShopItem>();
  /** Per leaf: its items (indices into `list`) and a sampler by popularity. */
  private readonly leafItems: { items: number[]; sampler: WeightedSampler }[];
  /** Leaves get items in proportion to the square root of their popularity: big categories, not absurdly big. */
  private readonly leafSizeSampler: WeightedSampler;
  private readonly ranked = new Map<number, ShopItem[]>();
  /** Draws everything about items; new items continue it, so growth is seeded too. */
  private readonly random: SeededRandom;

  constructor(seed: number, options: CatalogOptions = {}) {
    this.options = { ...DEFAULTS, ...definedOnly(options) };
    validateOptions(this.options);
    this.currency = this.options.currency;
    this.tree = new CategoryTree(new SeededRandom(forkSeed(seed, 'category-tree')));
    const brandCount =
      options.brands ?? Math.max(40, Math.min(600, Math.round(this.options.items / 60)));
    if (!Number.isInteger(brandCount) || brandCount < 1 || brandCount > 2000) {
      throw new RangeError(`brands must be a whole number from 1 to 2000, got ${brandCount}`);
    }
    this.brands = generateBrands(this.tree, brandCount, new SeededRandom(forkSeed(seed, 'brands')));
    this.random = new SeededRandom(forkSeed(seed, 'items'));
    this.leafItems = this.tree.leaves.map(() => ({ items: [], sampler: new WeightedSampler() }));
    this.leafSizeSampler = new WeightedSampler(
      this.tree.leaves.map((l) => Math.sqrt(l.popularity)),
    );

    const leafOf = Array.from({ length: this.options.items }, () =>
      this.leafSizeSampler.draw(this.random),
    );
    const sizes = new Array<number>(this.tree.leaves.length).fill(0);
    for (const leaf of leafOf) sizes[leaf]!++;
    // Popularity ranks within each leaf, in random order of item ids.
    const rankPools = sizes.map((n) =>
      this.random.shuffle(Array.from({ length: n }, (_, i) => i + 1)),
    );
    for (const leaf of leafOf) {
      const rank = rankPools[leaf]!.pop()!;
      this.create(this.tree.leaves[leaf]!, rank, sizes[leaf]!, undefined);
    }
  }

  /** Every item listed so far, initial catalog first, in id order. */
  get items(): readonly ShopItem[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  item(id: string): ShopItem | undefined {
    return this.byId.get(id);
  }

  /** The items of a leaf category (listed so far). */
  itemsIn(leaf: number): ShopItem[] {
    return this.leafItems[leaf]!.items.map((i) => this.list[i]!);
  }

  /** The items of a leaf category, most popular first (cached until the leaf gets a new item). */
  itemsByPopularity(leaf: number): readonly ShopItem[] {
    let ranked = this.ranked.get(leaf);
    if (!ranked) {
      ranked = this.itemsIn(leaf).sort((a, b) => b.popularity - a.popularity || a.index - b.index);
      this.ranked.set(leaf, ranked);
    }
    return ranked;
  }

  /** An item of the leaf, drawn by popularity; undefined when the leaf is still empty. */
  drawItemIn(leaf: number, random: SeededRandom): ShopItem | undefined {
    const entry = this.leafItems[leaf]!;
    if (entry.items.length === 0) return undefined;
    return this.list[entry.items[entry.sampler.draw(random)]!];
  }

  /** Lists a new item at simulated time `at`; its popularity rank is drawn among its leaf's items. */
  addItem(at: number): ShopItem {
    const leaf = this.tree.leaves[this.leafSizeSampler.draw(this.random)]!;
    const n = this.leafItems[leaf.index]!.items.length + 1;
    return this.create(leaf, this.random.between(1, n), n, at);
  }

  /** The item as `POST /v1/items/batch` takes it, with its current stock. */
  toWire(item: ShopItem): WireItem {
    return {
      id: item.id,
      title: item.title,
      description: item.description,
      categoryPath: [...item.leaf.path],
      brand: item.brand?.name ?? '',
      price: item.price,
      currency: this.currency,
      stock: item.stock,
      attributes: { ...item.attributes },
      imageUrl: `https://images.example.com/${item.id}.jpg`,
    };
  }

  private create(
    leaf: LeafCategory,
    rank: number,
    leafSize: number,
    listedAt: number | undefined,
  ): ShopItem {
    const random = this.random;
    const root = this.tree.roots[leaf.root]!;
    const words = root.words;
    const index = this.list.length;
    const id = `${this.options.idPrefix}${String(index).padStart(6, '0')}`;
    // A few items carry no brand: generic goods and shops' own lines.
    const brandPool = this.brands.byMid[leaf.mid]!;
    const brand = random.chance(0.03)
      ? undefined
      : this.brands.brands[brandPool.brands[brandPool.sampler.draw(random)]!]!;
    const roll = random.next();
    const language: TitleLanguage =
      roll < this.options.chineseShare
        ? 'zh'
        : roll < this.options.chineseShare + this.options.bilingualShare
          ? 'both'
          : 'en';
    const features: ItemTextFeatures = {
      root,
      leaf,
      brand: brand?.name ?? '',
      colour: random.chance(words.colourShare) ? random.int(COLOURS.length) : -1,
      material: random.int(words.materials.length),
      adjective: random.int(words.adjectives.length),
      titleHas: { material: random.chance(0.6), adjective: random.chance(0.7) },
      model: random.chance(0.2) ? random.pick(MODEL_SUFFIXES) : '',
      language,
    };
    const popularity = zipfWeight(rank, this.options.zipfExponent);
    // Popular items are better on average, but not always: that gap is what personalisation exploits.
    const popularityShare = 1 - Math.log(rank) / Math.log(leafSize + 1);
    const quality = clamp01(
      0.35 + 0.35 * popularityShare + (brand?.quality ?? -0.05) + 0.12 * random.normal(),
    );
    const price = roundPrice(
      leaf.medianPrice * (brand?.priceFactor ?? 0.8) * Math.exp(words.priceSigma * random.normal()),
    );
    const stock = random.chance(this.options.outOfStockShare)
      ? 0
      : Math.min(5000, Math.max(1, Math.round(random.logNormal(20, 1.2))));
    const attributes: Record<string, string | number | boolean> = {
      material: words.materials[features.material]![0],
      rating: Math.round((3 + 2 * quality) * 10) / 10,
      reviews: Math.round(popularity * 2000 * (0.5 + random.next())),
    };
    if (features.colour >= 0) attributes.colour = COLOURS[features.colour]![0];
    // Dotted names come from real feeds, and document stores need them key-encoded.
    if (root.key === 'Shoes')
      attributes['size.eu'] = `${random.between(35, 39)}-${random.between(42, 47)}`;
    const item: ShopItem = {
      id,
      index,
      leaf,
      brand,
      colour: features.colour,
      material: features.material,
      adjective: features.adjective,
      language,
      title: renderTitle(features, random),
      description: renderDescription(features, random),
      price,
      stock,
      quality,
      popularity,
      ...(listedAt !== undefined && { listedAt }),
      attributes,
    };
    this.list.push(item);
    this.byId.set(id, item);
    const entry = this.leafItems[leaf.index]!;
    entry.items.push(index);
    entry.sampler.push(popularity);
    this.ranked.delete(leaf.index);
    return item;
  }
}

/** Shop prices: 7.99, 12.49 → 12.99, 149.00 → 148.99. */
export function roundPrice(value: number): number {
  if (value < 10) return Math.max(0.49, Math.round(value * 2) / 2 - 0.01);
  return Math.round(value) - 0.01;
}

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

function validateOptions(o: typeof DEFAULTS): void {
  if (!Number.isInteger(o.items) || o.items < 1)
    throw new RangeError(`items must be a whole number >= 1, got ${o.items}`);
  for (const key of ['chineseShare', 'bilingualShare', 'outOfStockShare'] as const) {
    if (!(o[key] >= 0 && o[key] <= 1))
      throw new RangeError(`${key} must be between 0 and 1, got ${o[key]}`);
  }
  if (o.chineseShare + o.bilingualShare > 1)
    throw new RangeError('chineseShare + bilingualShare must be at most 1');
  if (!/^[A-Z]{3}$/.test(o.currency))
    throw new RangeError(`currency must be an ISO 4217 code, got '${o.currency}'`);
}
