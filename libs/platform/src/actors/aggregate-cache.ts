/**
 * Bounded LRU of aggregate states with idle passivation. Memory stays bounded
 * by `maxEntries` whatever the number of shoppers; an entry not touched for
 * `idleMs` is dropped by `sweep()` and rebuilt from its stream on next use.
 */
export class AggregateCache<State> {
  // A Map iterates in insertion order; re-inserting on access keeps the
  // least recently used entry first, which is all an LRU needs.
  private readonly entries = new Map<string, CachedAggregate<State>>();

  constructor(
    private readonly maxEntries: number,
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): CachedAggregate<State> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    entry.touchedAt = this.now();
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, state: State, revision: bigint): void {
    this.entries.delete(key);
    this.entries.set(key, { state, revision, touchedAt: this.now() });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops entries idle for longer than idleMs, skipping keys still in use. Returns how many. */
  sweep(isBusy: (key: string) => boolean = () => false): number {
    const cutoff = this.now() - this.idleMs;
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (entry.touchedAt > cutoff) break; // LRU order: the rest are newer
      if (isBusy(key)) continue;
      this.entries.delete(key);
      dropped++;
    }
    return dropped;
  }

  get size(): number {
    return this.entries.size;
  }
}

export interface CachedAggregate<State> {
  state: State;
  /** Revision of the last event folded into state; -1n for a stream with no events. */
  revision: bigint;
  touchedAt: number;
}
