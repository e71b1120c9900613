import type { CategoryTree } from './category-tree';
import { type SeededRandom, WeightedSampler, zipfWeight } from './random';
import { BRAND_SYLLABLES } from './vocabulary';

/**
 * Made-up brands. Most specialise (a running-shoe brand makes little else),
 * some are generalists across a department or two; brands differ in price
 * level and quality, and a few big brands carry much of the catalog.
 */
export interface Brand {
  readonly index: number;
  readonly name: string;
  /** Indices of the mid-level categories the brand makes items in. */
  readonly mids: readonly number[];
  /** Multiplies the category's typical price: premium brands > 1. */
  readonly priceFactor: number;
  /** Added to its items' quality (about -0.15..0.15). */
  readonly quality: number;
  /** Relative share of catalog items in its categories. */
  readonly size: number;
}

export interface BrandCatalog {
  readonly brands: readonly Brand[];
  /** Per mid-level category: brand indices and a sampler by brand size. */
  readonly byMid: readonly {
    readonly brands: readonly number[];
    readonly sampler: WeightedSampler;
  }[];
}

/** At least two brands per category, so a brand preference is a real choice. */
const MIN_BRANDS_PER_MID = 2;

export function generateBrands(
  tree: CategoryTree,
  count: number,
  random: SeededRandom,
): BrandCatalog {
  const names = new Set<string>();
  const rootWeights = new WeightedSampler(
    tree.roots.map((root) => root.leaves.reduce((sum, l) => sum + tree.leaves[l]!.popularity, 0)),
  );
  const ranks = random.shuffle(Array.from({ length: count }, (_, i) => i));
  const brands: Brand[] = [];
  for (let index = 0; index < count; index++) {
    const home = rootWeights.draw(random);
    const roots = random.chance(0.15) ? [home, rootWeights.draw(random)] : [home];
    const generalist = random.chance(0.3);
    const mids = generalist
      ? [...new Set(roots.flatMap((r) => tree.roots[r]!.mids))]
      : random
          .sample(tree.roots[home]!.mids.length, random.between(1, 2))
          .map((i) => tree.roots[home]!.mids[i]!);
    brands.push({
      index,
      name: brandName(random, names),
      mids,
      priceFactor: random.logNormal(1, 0.3),
      quality: Math.max(-0.15, Math.min(0.15, 0.07 * random.normal())),
      size: zipfWeight(ranks[index]! + 1, 0.8),
    });
  }
  const members: number[][] = tree.mids.map(() => []);
  for (const brand of brands) for (const mid of brand.mids) members[mid]!.push(brand.index);
  for (const [mid, list] of members.entries()) {
    while (list.length < Math.min(MIN_BRANDS_PER_MID, brands.length)) {
      const brand = brands[random.int(brands.length)]!;
      if (list.includes(brand.index)) continue;
      (brand.mids as number[]).push(mid);
      list.push(brand.index);
    }
  }
  return {
    brands,
    byMid: members.map((list) => ({
      brands: list,
      sampler: new WeightedSampler(list.map((b) => brands[b]!.size)),
    })),
  };
}

function brandName(random: SeededRandom, taken: Set<string>): string {
  for (;;) {
    // A fifth of the brands are Chinese: shops in both markets list both.
    const zh = random.chance(0.2);
    const { heads, tails } = zh ? BRAND_SYLLABLES.zh : BRAND_SYLLABLES.en;
    let name = `${random.pick(heads)}${random.pick(tails)}`;
    if (taken.has(name))
      name = zh
        ? `${name}${random.pick(tails)}`
        : `${name} ${random.pick(['Co', 'Lab', 'Studio', 'Works', 'One'])}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}
