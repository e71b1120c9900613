import type { Catalog, ShopItem } from './catalog.generator';
import type { LeafCategory } from './category-tree';
import type { SeededRandom } from './random';
import type { Preferences } from './preferences';
import { COLOURS, GENERIC_QUERIES } from './vocabulary';

/**
 * Search as shoppers type it and as a plain shop search answers it. Queries
 * are built from the words items are described with, in the shopper's
 * language ("red trail running shoe", "红色 越野跑鞋", "Norvik 越野跑鞋"),
 * and answered with the items of the category that have every named
 * feature, most popular first, like a shop's own search before Pulse ranks it.
 */

export interface SearchQuery {
  readonly text: string;
  readonly language: 'en' | 'zh';
  /** The leaf the shopper had in mind; undefined for generic queries ("sale"). */
  readonly leaf?: number;
  readonly colour?: number;
  readonly material?: number;
  readonly adjective?: number;
  readonly brand?: number;
  /** Facets the shopper ticked, sent as the event's `filters`. */
  readonly filters?: Readonly<Record<string, string[]>>;
}

export const MAX_RESULTS = 20;

export function buildQuery(
  catalog: Catalog,
  prefs: Preferences,
  leaf: LeafCategory,
  random: SeededRandom,
): SearchQuery {
  const language = prefs.language === 'both' ? (random.chance(0.5) ? 'en' : 'zh') : prefs.language;
  const lang = language === 'en' ? 0 : 1;
  const words = catalog.tree.roots[leaf.root]!.words;
  const noun = leaf.noun[lang];
  // Chinese queries are typed with or without spaces between words.
  const join = (...parts: string[]) => parts.join(lang === 1 && random.chance(0.5) ? '' : ' ');
  const roll = random.next();
  if (roll < 0.05) {
    return { text: random.pick(GENERIC_QUERIES)[lang], language };
  }
  if (roll < 0.45) return { text: noun, language, leaf: leaf.index };
  if (roll < 0.6 && words.colourShare > 0) {
    const colour = random.int(COLOURS.length);
    return { text: join(COLOURS[colour]![lang], noun), language, leaf: leaf.index, colour };
  }
  if (roll < 0.75) {
    const brand = favouriteBrandIn(catalog, prefs, leaf, random);
    const name = catalog.brands.brands[brand]!.name;
    const filters = random.chance(0.3) ? { brand: [name] } : undefined;
    return {
      text: filters ? noun : `${name} ${noun}`,
      language,
      leaf: leaf.index,
      brand,
      ...(filters && { filters }),
    };
  }
  if (roll < 0.87) {
    const material = random.int(words.materials.length);
    return {
      text: join(words.materials[material]![lang], noun),
      language,
      leaf: leaf.index,
      material,
    };
  }
  const adjective = random.int(words.adjectives.length);
  return {
    text: join(words.adjectives[adjective]![lang], noun),
    language,
    leaf: leaf.index,
    adjective,
  };
}

/** The shop's answer: matching items of the leaf by popularity, or the leaf's best sellers when nothing matches. */
export function searchResults(
  catalog: Catalog,
  query: SearchQuery,
  random: SeededRandom,
): ShopItem[] {
  if (query.leaf === undefined) {
    // Generic queries show best sellers from a few categories.
    const results: ShopItem[] = [];
    for (let i = 0; i < 5; i++)
      results.push(...catalog.itemsByPopularity(catalog.tree.leafSampler.draw(random)).slice(0, 4));
    return [...new Set(results)].slice(0, MAX_RESULTS);
  }
  const ranked = catalog.itemsByPopularity(query.leaf);
  const matching = ranked.filter(
    (item) =>
      (query.colour === undefined || item.colour === query.colour) &&
      (query.material === undefined || item.material === query.material) &&
      (query.adjective === undefined || item.adjective === query.adjective) &&
      (query.brand === undefined || item.brand?.index === query.brand),
  );
  return (matching.length > 0 ? matching : ranked).slice(0, MAX_RESULTS);
}

function favouriteBrandIn(
  catalog: Catalog,
  prefs: Preferences,
  leaf: LeafCategory,
  random: SeededRandom,
): number {
  const pool = catalog.brands.byMid[leaf.mid]!;
  const liked = prefs.brands.filter((w) => pool.brands.includes(w.index));
  if (liked.length > 0 && random.chance(0.7)) return random.pick(liked).index;
  return pool.brands[pool.sampler.draw(random)]!;
}
