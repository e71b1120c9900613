/**
 * Every level of a category path as one string, root first:
 * `['Shoes', 'Running', 'Trail']` → `['Shoes', 'Shoes>Running', 'Shoes>Running>Trail']`.
 *
 * Stored as an array so a reader can ask "anything under Shoes>Running" with
 * one array-any equality filter (`{ categoryKeys: 'Shoes>Running' }`), which
 * both document stores index, instead of a prefix match on a path. The same
 * keys name category affinities in shopper profiles, so the two can be joined.
 */
export const CATEGORY_SEPARATOR = '>';

export function categoryKeys(categoryPath: readonly string[]): string[] {
  return categoryPath.map((_, level) => categoryPath.slice(0, level + 1).join(CATEGORY_SEPARATOR));
}
