/**
 * Gini coefficient of exposure counts: 0 when every item is shown equally
 * often, approaching 1 when a few items get all the exposure. Items never
 * shown must be included as zeros, or a recommender that ignores most of the
 * catalog would look fair.
 */
export function gini(counts: readonly number[]): number {
  const n = counts.length;
  if (n === 0) return 0;
  const sorted = [...counts].sort((a, b) => a - b);
  let total = 0;
  let weighted = 0;
  for (const [i, count] of sorted.entries()) {
    if (count < 0 || !Number.isFinite(count)) throw new RangeError(`exposure counts must be >= 0, got ${count}`);
    total += count;
    weighted += (i + 1) * count;
  }
  if (total === 0) return 0;
  // G = (2 Σ i·x_(i)) / (n Σ x) − (n + 1) / n, with x sorted ascending and i from 1.
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/** Share of the catalog that was shown at least once. */
export function coverage(exposedItems: number, catalogSize: number): number {
  return catalogSize === 0 ? 0 : Math.min(1, exposedItems / catalogSize);
}
