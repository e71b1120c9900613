/**
 * At most one refresh after model updates runs at a time. Updates can swap
 * weights every few seconds while a refresh of hundreds of shoppers takes
 * longer (it rests between shoppers to leave the process to requests), so
 * starting one per update stacked them up: each kept to its share, together
 * they took the process. Requests made while one runs are merged into the
 * next: the union of their shoppers, at the newest cause, refreshed with
 * whatever weights serve by then.
 */
export class RefreshCoalescer {
  private pending?: { shoppers: Set<string>; causedByPosition: string };
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly refresh: (shopperIds: readonly string[], causedByPosition: string) => Promise<void>) {}

  /** Asks for these shoppers to be refreshed; returns at once. */
  request(shopperIds: readonly string[], causedByPosition: string): void {
    if (this.stopped || shopperIds.length === 0) return;
    if (this.pending) {
      for (const id of shopperIds) this.pending.shoppers.add(id);
      this.pending.causedByPosition = causedByPosition;
    } else {
      this.pending = { shoppers: new Set(shopperIds), causedByPosition };
    }
    this.running ??= this.drain();
  }

  /** Settles when nothing is running or waiting. */
  whenIdle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Drops what waits and starts nothing new; the refresh in flight finishes (its handler stops at shutdown). */
  stop(): Promise<void> {
    this.stopped = true;
    this.pending = undefined;
    return this.whenIdle();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending && !this.stopped) {
        const { shoppers, causedByPosition } = this.pending;
        this.pending = undefined;
        // The callback reports its own failures; one failing refresh must not stop the next.
        await this.refresh([...shoppers], causedByPosition).catch(() => undefined);
      }
    } finally {
      this.running = undefined;
    }
  }
}
