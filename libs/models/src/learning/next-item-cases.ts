import type { Interaction } from './interaction';

/**
 * Turns the stream of interactions into next-item cases (a shopper's recent
 * items -> the item they touched next) and keeps the three sets an
 * incremental update needs:
 *
 * - the rolling holdout: the `holdoutSize` most recent cases, which updates
 *   are judged on and never trained on while they are in it;
 * - the trainable cases of a batch: those the holdout just let go (older than
 *   the newest `holdoutSize`), so every case is trained on exactly once, a
 *   little after it was used to judge;
 * - the replay pool: a uniform reservoir sample of every case trained so far,
 *   mixed into each update so the model does not forget older behaviour.
 *
 * Deterministic for a seed; holds at most `maxShoppers` histories (the least
 * recently active are forgotten first).
 */
export interface NextItemCase {
  readonly shopperId: string;
  /** Oldest first, at most `maxHistory` items. */
  readonly history: readonly string[];
  readonly target: string;
  readonly position: string;
}

export interface CaseLogOptions {
  readonly maxHistory: number;
  readonly holdoutSize: number;
  readonly replayCapacity: number;
  readonly maxShoppers: number;
  readonly seed: number;
}

export interface IngestResult {
  /** Cases to train on now (left the holdout with this batch). */
  readonly trainable: readonly NextItemCase[];
  /** Shoppers with an interaction in the batch. */
  readonly shoppers: readonly string[];
}

export class NextItemCaseLog {
  private readonly histories = new Map<string, string[]>();
  private holdoutCases: NextItemCase[] = [];
  private readonly pool: NextItemCase[] = [];
  private poolSeen = 0;
  private rng: number;

  constructor(private readonly options: CaseLogOptions) {
    this.rng = options.seed >>> 0 || 1;
  }

  get holdout(): readonly NextItemCase[] {
    return this.holdoutCases;
  }

  get replaySize(): number {
    return this.pool.length;
  }

  ingest(batch: readonly Interaction[]): IngestResult {
    const shoppers = new Set<string>();
    const fresh: NextItemCase[] = [];
    for (const event of batch) {
      shoppers.add(event.shopperId);
      const history = this.histories.get(event.shopperId) ?? [];
      // Re-inserting keeps the map in least-recently-active order for eviction.
      this.histories.delete(event.shopperId);
      const last = history[history.length - 1];
      // A repeated view of the item on screen is no new choice (the training data collapses them too).
      if (last !== undefined && last !== event.itemId) {
        fresh.push({ shopperId: event.shopperId, history: [...history], target: event.itemId, position: event.position });
      }
      if (last !== event.itemId) history.push(event.itemId);
      if (history.length > this.options.maxHistory) history.splice(0, history.length - this.options.maxHistory);
      this.histories.set(event.shopperId, history);
    }
    while (this.histories.size > this.options.maxShoppers) {
      this.histories.delete(this.histories.keys().next().value as string);
    }
    const all = [...this.holdoutCases, ...fresh];
    const cut = Math.max(0, all.length - this.options.holdoutSize);
    this.holdoutCases = all.slice(cut);
    return { trainable: all.slice(0, cut), shoppers: [...shoppers] };
  }

  /** `count` cases drawn with replacement from the replay pool (empty when it is). */
  sampleReplay(count: number): NextItemCase[] {
    if (this.pool.length === 0) return [];
    return Array.from({ length: count }, () => this.pool[Math.floor(this.random() * this.pool.length)]!);
  }

  /** Adds trained cases to the reservoir (Algorithm R: every case ever added is equally likely to be kept). */
  remember(cases: readonly NextItemCase[]): void {
    for (const c of cases) {
      this.poolSeen++;
      if (this.pool.length < this.options.replayCapacity) this.pool.push(c);
      else {
        const slot = Math.floor(this.random() * this.poolSeen);
        if (slot < this.options.replayCapacity) this.pool[slot] = c;
      }
    }
  }

  /** The shopper's recent items, oldest first (empty when unknown). */
  historyOf(shopperId: string): readonly string[] {
    return this.histories.get(shopperId) ?? [];
  }

  /** mulberry32: small, seeded, good enough for sampling. */
  private random(): number {
    let t = (this.rng = (this.rng + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
