import { CATEGORY_SEPARATOR } from '@pulse/catalog/projections/category-keys';
import { type SeededRandom, WeightedSampler, zipfWeight } from './random';
import { type Bilingual, DEPARTMENTS, type DepartmentWords } from './vocabulary';

/**
 * The shop's three-level category tree (department > category > leaf), with
 * what the generators need per node: names in both languages, the path and
 * key Pulse uses (`Shoes>Running>Trail running shoes`, as in
 * @pulse/catalog/projections/category-keys), a typical price per leaf and
 * how popular each leaf is overall (some categories sell far more than
 * others, and shoppers' favourites follow that).
 */

export interface RootCategory {
  readonly index: number;
  readonly name: Bilingual;
  readonly key: string;
  readonly words: DepartmentWords;
  /** Indices into `CategoryTree.mids`. */
  readonly mids: readonly number[];
  /** Indices into `CategoryTree.leaves`. */
  readonly leaves: readonly number[];
}

export interface MidCategory {
  readonly index: number;
  readonly root: number;
  readonly name: Bilingual;
  readonly key: string;
  readonly leaves: readonly number[];
}

export interface LeafCategory {
  readonly index: number;
  readonly root: number;
  readonly mid: number;
  /** English names root first, as sent in an item's `categoryPath`. */
  readonly path: readonly [string, string, string];
  readonly key: string;
  /** Singular noun for titles, and its Chinese. */
  readonly noun: Bilingual;
  /** Median item price here (EUR). */
  readonly medianPrice: number;
  /** Relative share of all browsing (and of shoppers' favourites). */
  readonly popularity: number;
}

export class CategoryTree {
  readonly roots: RootCategory[] = [];
  readonly mids: MidCategory[] = [];
  readonly leaves: LeafCategory[] = [];
  /** Draws a leaf by overall popularity. */
  readonly leafSampler: WeightedSampler;
  private readonly byKey = new Map<string, LeafCategory>();

  /** `random` sets leaf prices and popularity; the names are fixed by the vocabulary. */
  constructor(random: SeededRandom, departments: readonly DepartmentWords[] = DEPARTMENTS) {
    for (const words of departments) {
      const root = this.roots.length;
      const midIndices: number[] = [];
      const rootLeaves: number[] = [];
      for (const category of words.categories) {
        const mid = this.mids.length;
        const midLeaves: number[] = [];
        for (const [label, noun, zh] of category.leaves) {
          const path = [words.name[0], category.name[0], label] as const;
          const leaf: LeafCategory = {
            index: this.leaves.length,
            root,
            mid,
            path,
            key: path.join(CATEGORY_SEPARATOR),
            noun: [noun, zh],
            // Within a department some leaves are cheap (socks) and some dear (suits).
            medianPrice: words.medianPrice * Math.exp(0.45 * random.normal()),
            popularity: 0, // set below, once every leaf exists
          };
          this.leaves.push(leaf);
          this.byKey.set(leaf.key, leaf);
          midLeaves.push(leaf.index);
          rootLeaves.push(leaf.index);
        }
        this.mids.push({
          index: mid,
          root,
          name: category.name,
          key: [words.name[0], category.name[0]].join(CATEGORY_SEPARATOR),
          leaves: midLeaves,
        });
        midIndices.push(mid);
      }
      this.roots.push({
        index: root,
        name: words.name,
        key: words.name[0],
        words,
        mids: midIndices,
        leaves: rootLeaves,
      });
    }
    // Category popularity is skewed too, but far less than item popularity.
    const ranks = random.shuffle(this.leaves.map((_, i) => i));
    ranks.forEach((leaf, rank) => {
      (this.leaves[leaf] as { popularity: number }).popularity = zipfWeight(rank + 1, 0.6);
    });
    this.leafSampler = new WeightedSampler(this.leaves.map((l) => l.popularity));
  }

  leafByKey(key: string): LeafCategory | undefined {
    return this.byKey.get(key);
  }

  /** A leaf of one department, by popularity. */
  drawLeafIn(root: number, random: SeededRandom): LeafCategory {
    const leaves = this.roots[root]!.leaves;
    let total = 0;
    for (const l of leaves) total += this.leaves[l]!.popularity;
    let target = random.next() * total;
    for (const l of leaves) {
      target -= this.leaves[l]!.popularity;
      if (target < 0) return this.leaves[l]!;
    }
    return this.leaves[leaves[leaves.length - 1]!]!;
  }
}
