import type { Interaction } from './interaction';

/**
 * When the saga hands buffered interactions to the trainer: the pure rules.
 *
 * - Flush when the buffer holds `flushEvents`, or its oldest interaction has
 *   waited `flushMs` (so a quiet shop still learns within seconds).
 * - Never while the trainer is busy: the buffer keeps growing instead, so
 *   the next update covers more events at once (batches grow with load).
 * - The buffer is bounded by `maxBatch`; past it the oldest interactions are
 *   dropped (counted; they stay in the log for the next full retrain), so a
 *   burst can neither exhaust memory nor make one update run for minutes.
 */
export interface FlushPolicy {
  readonly flushEvents: number;
  readonly flushMs: number;
  readonly maxBatch: number;
}

export interface InteractionBuffer {
  /** Oldest first. */
  readonly events: readonly Interaction[];
  /** Interactions dropped by the bound since start. */
  readonly dropped: number;
}

export const emptyBuffer = (): InteractionBuffer => ({ events: [], dropped: 0 });

/** Adds interactions, keeping the newest `maxBatch`. */
export function admit(buffer: InteractionBuffer, incoming: readonly Interaction[], policy: FlushPolicy): InteractionBuffer {
  if (incoming.length === 0) return buffer;
  const all = [...buffer.events, ...incoming];
  const overflow = Math.max(0, all.length - policy.maxBatch);
  return { events: overflow > 0 ? all.slice(overflow) : all, dropped: buffer.dropped + overflow };
}

export type FlushDecision =
  | { readonly flush: false; readonly why: 'empty' | 'trainer_busy' | 'waiting' }
  | { readonly flush: true; readonly why: 'count' | 'age' };

export function decideFlush(
  buffer: InteractionBuffer,
  nowMs: number,
  trainerBusy: boolean,
  policy: FlushPolicy,
): FlushDecision {
  const oldest = buffer.events[0];
  if (!oldest) return { flush: false, why: 'empty' };
  if (trainerBusy) return { flush: false, why: 'trainer_busy' };
  if (buffer.events.length >= policy.flushEvents) return { flush: true, why: 'count' };
  if (nowMs - oldest.recordedAtMs >= policy.flushMs) return { flush: true, why: 'age' };
  return { flush: false, why: 'waiting' };
}

/** Takes the whole buffer as one batch (it is already bounded by maxBatch). */
export function takeBatch(buffer: InteractionBuffer): { batch: readonly Interaction[]; rest: InteractionBuffer } {
  return { batch: buffer.events, rest: { events: [], dropped: buffer.dropped } };
}
