import { decodeKey } from '@pulse/platform/text/document-key';
import { valueAt } from '@pulse/platform/time/decay';
import { compareKeys, type DecayedScores } from '@pulse/platform/time/decayed-map';
import type {
  RecentInteraction,
  ShopperProfileDocument,
} from '@pulse/shoppers/projections/shopper-profile.document';
import { priceBandKey } from '@pulse/shoppers/projections/price-band';
import { CATEGORY_SEPARATOR } from '@pulse/catalog/projections/category-keys';

/** The parent of root keys in `maxChild` (not a valid category key: keys have no NUL). */
const ROOT = '\u0000root';

export interface WeightedKey {
  readonly key: string;
  /** Relative to the strongest key of its kind: 0..1. */
  readonly weight: number;
}

export interface CategoryMatch {
  /** 0..1; 1 for an item on the shopper's favourite path. */
  readonly value: number;
  /** The deepest level of the item's path the shopper showed interest in. */
  readonly categoryKey?: string;
}

/**
 * A shopper profile read at one instant: affinities decayed to `now` and
 * decoded (profile keys are encodeKey'd), plus the sets the filters need.
 * Built once per request; everything after it is plain lookups.
 */
export class ShopperInterest {
  static readonly EMPTY = new ShopperInterest(null, 0);

  readonly shopperId: string | undefined;
  readonly categories: ReadonlyMap<string, number>;
  readonly brands: ReadonlyMap<string, number>;
  readonly priceBands: ReadonlyMap<string, number>;
  readonly purchased: ReadonlySet<string>;
  readonly cart: ReadonlySet<string>;
  readonly sessionItems: ReadonlySet<string>;
  /** Item interactions (views, cart adds, purchases), newest first. */
  readonly recentItemInteractions: readonly RecentInteraction[];
  /** True when the profile gives nothing to personalise on: anonymous, unknown or empty. */
  readonly isEmpty: boolean;

  private readonly maxChild: ReadonlyMap<string, number>;
  private readonly maxBrand: number;
  private readonly maxBand: number;

  private constructor(profile: ShopperProfileDocument | null, now: number) {
    const halfLife = profile?.halfLifeMs ?? 1;
    this.shopperId = profile?.shopperId;
    this.categories = decayed(profile?.affinities.categories, now, halfLife);
    this.brands = decayed(profile?.affinities.brands, now, halfLife);
    this.priceBands = decayed(profile?.affinities.priceBands, now, halfLife);
    this.purchased = new Set(profile?.purchasedItemIds ?? []);
    this.cart = new Set(Object.keys(profile?.cart ?? {}).map(decodeKey));
    this.sessionItems = new Set(profile?.currentSession.itemIds ?? []);
    this.recentItemInteractions = (profile?.recentInteractions ?? []).filter(
      (interaction) => interaction.itemId !== undefined && interaction.type !== 'remove_from_cart',
    );
    this.maxChild = maxByParent(this.categories);
    this.maxBrand = Math.max(0, ...this.brands.values());
    this.maxBand = Math.max(0, ...this.priceBands.values());
    this.isEmpty =
      this.categories.size === 0 &&
      this.brands.size === 0 &&
      this.recentItemInteractions.length === 0 &&
      this.sessionItems.size === 0 &&
      this.cart.size === 0 &&
      this.purchased.size === 0;
  }

  static from(profile: ShopperProfileDocument | null | undefined, now: number): ShopperInterest {
    return profile ? new ShopperInterest(profile, now) : ShopperInterest.EMPTY;
  }

  /**
   * The categories the shopper is into, at the deepest informative level:
   * ranked by "own" interest, a key's affinity minus its children's. Every
   * interaction adds to each level of the item's path, so the mass a parent
   * holds beyond its children is interest in the parent itself; a viewer of
   * three trail shoes ranks `Shoes>Running>Trail`, not `Shoes`. A level whose
   * children were dropped from the bounded map keeps their mass, so it then
   * ranks in their place.
   */
  topCategories(n: number): WeightedKey[] {
    const children = new Map<string, number>();
    for (const [key, value] of this.categories) {
      const parent = parentKey(key);
      if (parent !== undefined) children.set(parent, (children.get(parent) ?? 0) + value);
    }
    const own = [...this.categories].map(([key, value]) => ({
      key,
      mass: Math.max(0, value - (children.get(key) ?? 0)),
    }));
    return normalisedTop(
      own.map(({ key, mass }) => [key, mass]),
      n,
    );
  }

  topBrands(n: number): WeightedKey[] {
    return normalisedTop([...this.brands], n);
  }

  /**
   * How well an item's category path fits the shopper, 0..1: the product,
   * level by level, of the level's affinity over its strongest sibling's, so
   * the favourite path scores 1 and a less liked branch less. It stops at the
   * first level the profile knows nothing about (no sibling has any
   * affinity): a deeper level the shopper never saw is no evidence against.
   */
  categoryAffinity(categoryKeys: readonly string[]): CategoryMatch {
    let value = 1;
    let matched: string | undefined;
    for (let level = 0; level < categoryKeys.length; level++) {
      const key = categoryKeys[level]!;
      const strongestSibling = this.maxChild.get(level === 0 ? ROOT : categoryKeys[level - 1]!);
      if (!(strongestSibling !== undefined && strongestSibling > 0)) break;
      const own = this.categories.get(key) ?? 0;
      if (own <= 0) return { value: 0 };
      value *= Math.min(1, own / strongestSibling);
      matched = key;
    }
    return matched === undefined ? { value: 0 } : { value, categoryKey: matched };
  }

  /** 0..1, relative to the shopper's strongest brand. */
  brandAffinity(brand: string): number {
    if (brand === '' || this.maxBrand <= 0) return 0;
    return (this.brands.get(brand) ?? 0) / this.maxBrand;
  }

  /** 0..1, relative to the shopper's strongest price band; `band` as in the profile (`EUR:50-100`). */
  priceAffinity(price: number, currency: string): { value: number; band: string } {
    const band = priceBandKey(price, currency);
    if (this.maxBand <= 0) return { value: 0, band };
    return { value: (this.priceBands.get(band) ?? 0) / this.maxBand, band };
  }
}

function decayed(
  scores: DecayedScores | undefined,
  now: number,
  halfLifeMs: number,
): Map<string, number> {
  const result = new Map<string, number>();
  for (const [key, score] of Object.entries(scores ?? {})) {
    const value = valueAt(score, now, halfLifeMs);
    if (value > 0) result.set(decodeKey(key), value);
  }
  return result;
}

/** `Shoes>Running` → `Shoes`; a root → undefined. */
export function parentKey(key: string): string | undefined {
  const cut = key.lastIndexOf(CATEGORY_SEPARATOR);
  return cut === -1 ? undefined : key.slice(0, cut);
}

function maxByParent(categories: ReadonlyMap<string, number>): Map<string, number> {
  const result = new Map<string, number>();
  for (const [key, value] of categories) {
    const parent = parentKey(key) ?? ROOT;
    result.set(parent, Math.max(result.get(parent) ?? 0, value));
  }
  return result;
}

function normalisedTop(entries: [string, number][], n: number): WeightedKey[] {
  const ranked = entries
    .filter(([, value]) => value > 0)
    .sort(([a, x], [b, y]) => y - x || compareKeys(a, b))
    .slice(0, Math.max(0, n));
  const max = ranked[0]?.[1] ?? 0;
  return ranked.map(([key, value]) => ({ key, weight: value / max }));
}
