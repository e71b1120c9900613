import type { ArtifactRef } from '../registry/model.events';

/** An event of a model's registry stream as read back: its type and stored payload. */
export interface ModelStreamEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** A swapped-in update whose weights were stored (ModelIncrementallyUpdated with an artifact). */
export interface StoredIncrement {
  readonly increment: number;
  readonly artifact: ArtifactRef;
}

/** Which weights a model starts from: a registry version, as trained or as last updated by the learning loop. */
export interface StartingWeights {
  readonly version: number;
  /** The version's latest swapped-in, stored increment; absent: start from the version as trained. */
  readonly increment?: StoredIncrement;
  /** Stored increments of the version, oldest first (the latest last); what the loop may later clean up. */
  readonly stored: readonly number[];
  /**
   * The highest increment number recorded for the version, swapped or not: a restarted loop numbers
   * its next attempt after it, so a new increment's key never reuses an earlier one's.
   */
  readonly attempts: number;
}

/**
 * The serving champion's version: the last promotion or rollback decides.
 * Folded here rather than with the registry decider because this stream also
 * holds ModelIncrementallyUpdated, which the decider (as written) does not
 * know; unknown types are skipped.
 */
export function championVersionOf(events: readonly ModelStreamEvent[]): number | undefined {
  let champion: number | undefined;
  for (const event of events) {
    if (event.type === 'ModelPromoted') champion = Number(event.data.version);
    else if (event.type === 'ModelRolledBack') champion = Number(event.data.toVersion);
  }
  return champion;
}

/**
 * What the learning loop and serving load for `version` (default: the
 * champion the events name) after a start, a promotion or a rollback: the
 * version's last ModelIncrementallyUpdated that was swapped in and stored,
 * else the version as trained. Increments are kept per version, so one
 * promoted again, or rolled back to, continues from its own latest update,
 * never from another version's. Attempts kept out (not swapped) and updates
 * recorded before their weights were stored name no files and do not count.
 * Pure: both sides fold the same stream the same way, so they agree on which
 * increment serves (the live-replacement rule compares increment numbers).
 */
export function startingWeightsOf(
  events: readonly ModelStreamEvent[],
  version: number,
): StartingWeights;
export function startingWeightsOf(
  events: readonly ModelStreamEvent[],
  version?: number,
): StartingWeights | undefined;
export function startingWeightsOf(
  events: readonly ModelStreamEvent[],
  version: number | undefined = championVersionOf(events),
): StartingWeights | undefined {
  if (version === undefined) return undefined;
  let increment: StoredIncrement | undefined;
  const stored: number[] = [];
  let attempts = 0;
  for (const event of events) {
    if (event.type !== 'ModelIncrementallyUpdated' || Number(event.data.version) !== version)
      continue;
    const number = Number(event.data.increment);
    attempts = Math.max(attempts, number);
    const artifact = event.data.artifact as ArtifactRef | undefined;
    if (event.data.swapped !== true || !artifact) continue;
    increment = { increment: number, artifact };
    stored.push(number);
  }
  return { version, ...(increment && { increment }), stored, attempts };
}
