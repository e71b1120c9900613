import type { SlotKind } from '../recommendation-result';

/**
 * Where `count` reserved items go in a list of `length`: the i-th at
 * floor((i + 1/2)·length/count), the middle of its equal stride. For 10
 * slots: 1 reserved → position 5; 2 → 2, 7; 3 → 1, 5, 8; 5 → 1, 3, 5, 7, 9.
 * The top slot stays organic (the most relevant item leads) unless more than
 * half the list is reserved, and reserved items are spread over the page
 * rather than stacked at its top or bottom.
 */
export function reservedPositions(count: number, length: number): number[] {
  const n = Math.max(0, Math.min(count, length));
  return Array.from({ length: n }, (_, i) => Math.floor(((i + 0.5) * length) / n));
}

/**
 * The kind of every position: promotion slots first (the shop committed to
 * them), then exploration slots at their own centred positions, each moved
 * to the next free position (or, past the end, the nearest free one before).
 */
export function planSlots(length: number, promoted: number, exploration: number): SlotKind[] {
  const plan: SlotKind[] = Array.from({ length }, () => 'organic');
  for (const position of reservedPositions(promoted, length)) plan[position] = 'promoted';
  const free = plan.filter((kind) => kind === 'organic').length;
  for (const wanted of reservedPositions(Math.min(exploration, free), length)) {
    let position = wanted;
    while (position < length && plan[position] !== 'organic') position++;
    if (position === length) {
      position = wanted;
      while (position >= 0 && plan[position] !== 'organic') position--;
    }
    if (position >= 0) plan[position] = 'exploration';
  }
  return plan;
}
