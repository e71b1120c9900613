import type { Interaction } from './interaction';
import { admit, decideFlush, emptyBuffer, type FlushPolicy, type InteractionBuffer, takeBatch } from './flush-policy';
import { type LearningLag, learningLag } from './learning-lag';

/**
 * The saga's state between events: the bounded buffer, the batch in
 * training, and the shoppers recently active. The decisions are the pure
 * functions of flush-policy.ts; this only holds their inputs.
 */
export class LearningBufferState {
  private buffer: InteractionBuffer = emptyBuffer();
  private inTraining: readonly Interaction[] = [];
  private droppedReported = 0;
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly policy: FlushPolicy) {}

  admit(interactions: readonly Interaction[]): void {
    this.buffer = admit(this.buffer, interactions, this.policy);
    for (const i of interactions) {
      this.lastSeen.delete(i.shopperId);
      this.lastSeen.set(i.shopperId, i.recordedAtMs);
    }
    // Bounded like the trainer's histories: the least recently active go first.
    while (this.lastSeen.size > 100_000) this.lastSeen.delete(this.lastSeen.keys().next().value as string);
  }

  /** The batch to train now, if the policy says so; it counts as in training until `finished`. */
  takeIfDue(nowMs: number, trainerBusy: boolean): { batch: readonly Interaction[]; dropped: number; why: string } | undefined {
    const decision = decideFlush(this.buffer, nowMs, trainerBusy || this.inTraining.length > 0, this.policy);
    if (!decision.flush) return undefined;
    const { batch, rest } = takeBatch(this.buffer);
    this.buffer = rest;
    this.inTraining = batch;
    const dropped = rest.dropped - this.droppedReported;
    this.droppedReported = rest.dropped;
    return { batch, dropped, why: decision.why };
  }

  finished(): void {
    this.inTraining = [];
  }

  lag(nowMs: number): LearningLag & { buffered: number; inTraining: number; dropped: number } {
    return {
      ...learningLag(this.buffer.events, this.inTraining, nowMs),
      buffered: this.buffer.events.length,
      inTraining: this.inTraining.length,
      dropped: this.buffer.dropped,
    };
  }

  /** Shoppers active within `windowMs` of `nowMs`, most recent first, at most `limit`. */
  activeShoppers(nowMs: number, windowMs: number, limit: number): string[] {
    const out: string[] = [];
    for (const [id, at] of [...this.lastSeen.entries()].reverse()) {
      if (nowMs - at > windowMs || out.length >= limit) break;
      out.push(id);
    }
    return out;
  }
}
