import type { Catalog } from './catalog.generator';
import { type SeededRandom, WeightedSampler } from './random';

/**
 * What a shopper likes, and how a liking is drawn: a few favourite
 * departments (root categories), leaf categories mostly within them (popular
 * categories are favourites more often), brands that make those kinds of
 * items, a price level around each category's typical price, and the
 * language they search in.
 */

export type ShopperLanguage = 'en' | 'zh' | 'both';

export interface Weighted {
  index: number;
  weight: number;
}

/** Mutable working form; `LatentPreference` is the read-only public view. */
export interface Preferences {
  roots: Weighted[];
  leaves: Weighted[];
  brands: Weighted[];
  /** Multiplies a leaf's typical price: the price the shopper is happiest with (1 = typical). */
  priceLevel: number;
  language: ShopperLanguage;
  /** Share of browsing outside the favourites. */
  exploration: number;
}

/** Ground truth for evaluations: what the shopper likes now, strongest first, weights summing to 1 per kind. */
export interface LatentPreference {
  readonly shopperId: string;
  /** Favourite departments by category key (`Shoes`). */
  readonly roots: readonly { readonly key: string; readonly weight: number }[];
  /** Favourite leaf categories by key (`Shoes>Running>Trail running shoes`). */
  readonly leaves: readonly { readonly key: string; readonly weight: number }[];
  readonly brands: readonly { readonly name: string; readonly weight: number }[];
  readonly priceLevel: number;
  readonly language: ShopperLanguage;
  readonly exploration: number;
  /** How many interest shifts this shopper has been through. */
  readonly shifts: number;
}

export function drawPreferences(
  catalog: Catalog,
  random: SeededRandom,
  avoidRoots: readonly number[] = [],
): Preferences {
  const rootCount = random.chance(0.5) ? 1 : random.chance(0.7) ? 2 : 3;
  const roots: Weighted[] = [];
  for (let i = 0; i < rootCount; i++) {
    const root = drawRoot(catalog, random, [...avoidRoots, ...roots.map((r) => r.index)]);
    if (root === undefined) break;
    roots.push({ index: root, weight: i === 0 ? 1 : 0.3 + 0.5 * random.next() });
  }
  if (roots.length === 0) roots.push({ index: drawRoot(catalog, random, []) ?? 0, weight: 1 });
  const leaves: Weighted[] = [];
  const leafCount = random.between(3, 5);
  for (let i = 0; i < leafCount; i++) {
    const root = pickWeighted(roots, random);
    leaves.push({
      index: drawLeaf(catalog, random, leaves, root),
      weight: (0.4 + 0.6 * random.next()) * (roots.find((r) => r.index === root)?.weight ?? 1),
    });
  }
  const prefs: Preferences = {
    roots,
    leaves,
    brands: [],
    priceLevel: random.logNormal(1, 0.35),
    language: random.chance(0.65) ? 'en' : random.chance(0.7) ? 'zh' : 'both',
    exploration: 0.08 + 0.12 * random.next(),
  };
  const brandCount = random.between(2, 4);
  for (let i = 0; i < brandCount; i++) {
    prefs.brands.push({
      index: drawBrand(catalog, prefs, random, prefs.brands),
      weight: 0.3 + 0.7 * random.next(),
    });
  }
  return prefs;
}

/** A department by overall popularity, not among `exclude`; undefined when all are excluded. */
export function drawRoot(
  catalog: Catalog,
  random: SeededRandom,
  exclude: readonly number[],
): number | undefined {
  const { tree } = catalog;
  const candidates = tree.roots.filter((r) => !exclude.includes(r.index));
  if (candidates.length === 0) return undefined;
  const weights = candidates.map((r) =>
    r.leaves.reduce((s, l) => s + tree.leaves[l]!.popularity, 0),
  );
  return candidates[new WeightedSampler(weights).draw(random)]!.index;
}

/** A leaf (within `root` if given) by popularity, avoiding current favourites where possible. */
export function drawLeaf(
  catalog: Catalog,
  random: SeededRandom,
  current: readonly Weighted[],
  root?: number,
): number {
  const { tree } = catalog;
  let leaf = 0;
  for (let attempt = 0; attempt < 8; attempt++) {
    leaf = root === undefined ? tree.leafSampler.draw(random) : tree.drawLeafIn(root, random).index;
    if (!current.some((w) => w.index === leaf)) return leaf;
  }
  return leaf;
}

/** Usually a brand that makes the favourite kinds of items; sometimes any brand. */
export function drawBrand(
  catalog: Catalog,
  prefs: Preferences,
  random: SeededRandom,
  current: readonly Weighted[],
): number {
  const { tree, brands } = catalog;
  let brand = 0;
  for (let attempt = 0; attempt < 8; attempt++) {
    if (prefs.leaves.length > 0 && random.chance(0.8)) {
      const mid = tree.leaves[pickWeighted(prefs.leaves, random)]!.mid;
      const pool = brands.byMid[mid]!;
      brand = pool.brands[pool.sampler.draw(random)]!;
    } else {
      brand = random.int(brands.brands.length);
    }
    if (!current.some((w) => w.index === brand)) return brand;
  }
  return brand;
}

export function pickWeighted(list: readonly Weighted[], random: SeededRandom): number {
  const total = list.reduce((s, w) => s + w.weight, 0);
  let target = random.next() * total;
  for (const w of list) {
    target -= w.weight;
    if (target < 0) return w.index;
  }
  return list[list.length - 1]!.index;
}
