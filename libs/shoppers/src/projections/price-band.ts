/**
 * Price bands for price-level affinity ("this shopper buys in the 50-100
 * range"). Fixed, log-spaced 1-2-5 boundaries rather than bands learned from
 * the catalog: a band must mean the same thing on every replay and for every
 * reader, and prices are spread roughly log-normally, so each band holds a
 * comparable share of items across cheap and expensive shops.
 *
 * Bands (lower bound inclusive, upper exclusive), in the item's currency:
 *   0-5, 5-10, 10-20, 20-50, 50-100, 100-200, 200-500, 500-1000,
 *   1000-2000, 2000-5000, 5000-10000, 10000-20000, 20000-50000, 50000+
 * (the upper bands serve currencies with small units such as JPY).
 *
 * The affinity key includes the currency (`EUR:50-100`): 100 JPY and 100 EUR
 * are different price levels, and the projection has no exchange rates.
 */
export const PRICE_BAND_BOUNDARIES: readonly number[] = [
  5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000,
];

/** e.g. 79.9 → '50-100', 0 → '0-5', 60000 → '50000+'. */
export function priceBand(price: number): string {
  if (!(Number.isFinite(price) && price >= 0)) {
    throw new RangeError(`price must be a non-negative number, got ${price}`);
  }
  let lower = 0;
  for (const upper of PRICE_BAND_BOUNDARIES) {
    if (price < upper) return `${lower}-${upper}`;
    lower = upper;
  }
  return `${lower}+`;
}

/** The affinity key of a price: currency and band, e.g. `EUR:50-100`. */
export function priceBandKey(price: number, currency: string): string {
  return `${currency}:${priceBand(price)}`;
}
