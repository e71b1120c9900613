/**
 * Turns shop-supplied strings (item ids, brands, category names, terms) into
 * keys of a stored object map and back.
 *
 * Why: documents go to MongoDB and SQLite as JSON, where a key may not be
 * empty, start with `$` or contain `.` or NUL (the document store rejects
 * them). Brands such as `Dr. Martens` or item ids such as `sku.1` are
 * ordinary, so a map keyed by them needs an encoding. This one is the
 * identity for every key without `%`, `.`, `$` or NUL, so typical keys read
 * naturally in the database, and it is reversible.
 */
export function encodeKey(raw: string): string {
  if (raw === '') return '%';
  return raw.replace(/[%.$\0]/g, (char) => ESCAPES[char]!);
}

export function decodeKey(key: string): string {
  if (key === '%') return '';
  return key.replace(/%(25|2E|24|00)/g, (_match, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

const ESCAPES: Readonly<Record<string, string>> = {
  '%': '%25',
  '.': '%2E',
  $: '%24',
  '\0': '%00',
};

/**
 * Sets an own, enumerable property even for the key `__proto__`, which plain
 * assignment would treat as the prototype setter. Map keys come from shop
 * data (item ids, brands), so that is not hypothetical.
 */
export function setOwn<V>(target: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
