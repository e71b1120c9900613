import type { ShopItem } from './catalog.generator';
import type { CategoryTree } from './category-tree';
import type { Preferences } from './preferences';

/**
 * How much a shopper wants an item, and how likely they are to click it when
 * shown, from their latent preferences: a position-based click model
 * (P(click) = P(examined at position) × P(attracted by the item)), the
 * standard way to simulate clicks on ranked lists. The same relevance drives
 * what shoppers browse and put in their carts in the simulation, so a
 * recommender that learns from the events can recover it, and an evaluation
 * can score a list of recommendations against it.
 */

/** Weights of the parts of relevance; category match dominates, as in real shops. */
const WEIGHTS = { category: 0.55, brand: 0.15, price: 0.15, quality: 0.15 } as const;
/** log-price distance at which price fit has fallen to about 0.6. */
const PRICE_TOLERANCE = 0.6;

export interface RelevanceParts {
  /** 1 for the strongest favourite leaf; less for other favourites, the same mid-level category or department. */
  readonly category: number;
  readonly brand: number;
  /** 1 at the shopper's price level for this kind of item, falling off log-normally. */
  readonly price: number;
  readonly quality: number;
}

export function relevanceParts(
  prefs: Preferences,
  item: ShopItem,
  tree: CategoryTree,
): RelevanceParts {
  const leaf = item.leaf;
  const maxLeaf = max(prefs.leaves);
  const maxRoot = max(prefs.roots);
  let leafScore = 0;
  let midScore = 0;
  for (const w of prefs.leaves) {
    if (w.index === leaf.index) leafScore = Math.max(leafScore, w.weight / maxLeaf);
    else if (tree.leaves[w.index]!.mid === leaf.mid)
      midScore = Math.max(midScore, w.weight / maxLeaf);
  }
  const category = Math.max(
    leafScore,
    0.6 * midScore,
    0.35 * (weightOf(prefs.roots, leaf.root) / maxRoot),
  );
  const brandWeight = item.brand ? weightOf(prefs.brands, item.brand.index) : 0;
  const distance = Math.log(item.price / (leaf.medianPrice * prefs.priceLevel));
  return {
    category,
    brand: brandWeight / max(prefs.brands),
    price: Math.exp(-(distance * distance) / (2 * PRICE_TOLERANCE * PRICE_TOLERANCE)),
    quality: item.quality,
  };
}

/** 0..1: how much this shopper wants this item, in stock or not. */
export function relevance(prefs: Preferences, item: ShopItem, tree: CategoryTree): number {
  const p = relevanceParts(prefs, item, tree);
  return (
    WEIGHTS.category * p.category +
    WEIGHTS.brand * p.brand +
    WEIGHTS.price * p.price +
    WEIGHTS.quality * p.quality
  );
}

/** Chance that a shopper looks at slot `position` (0-based) of a list: the DCG discount. */
export function examination(position: number): number {
  return 1 / Math.log2(position + 2);
}

/** Chance of clicking an item once seen. Convex: only well-matched items get clicked much. Sold-out items rarely. */
export function attractiveness(relevanceScore: number, inStock: boolean): number {
  return inStock ? 0.01 + 0.55 * relevanceScore * relevanceScore : 0.003;
}

/** P(click) for an item shown at `position` of a list (undefined: an item shown on its own). */
export function clickProbability(
  prefs: Preferences,
  item: ShopItem,
  tree: CategoryTree,
  position?: number,
): number {
  const seen = position === undefined ? 1 : examination(position);
  return seen * attractiveness(relevance(prefs, item, tree), item.stock > 0);
}

/**
 * Within a category a shopper browses, how well an item suits them apart
 * from popularity (price and brand), in (0, 1]: used to thin popularity-drawn
 * candidates, so shoppers browse popular items that fit them.
 */
export function choiceFit(prefs: Preferences, item: ShopItem, tree: CategoryTree): number {
  const p = relevanceParts(prefs, item, tree);
  return (0.3 + 0.7 * p.price) * (0.6 + 0.4 * p.brand);
}

function weightOf(list: readonly { index: number; weight: number }[], index: number): number {
  for (const w of list) if (w.index === index) return w.weight;
  return 0;
}

function max(list: readonly { weight: number }[]): number {
  let m = 0;
  for (const w of list) if (w.weight > m) m = w.weight;
  return m > 0 ? m : 1;
}
