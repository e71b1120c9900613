/**
 * One mailbox per key: messages for the same key are handled strictly in the
 * order they were posted, one batch at a time; different keys run
 * concurrently. Whatever is queued while a batch runs is handed over as the
 * next batch, which lets the owner group-commit them (one append for many
 * commands) instead of paying a round trip each.
 */
export class KeyedMailbox<Message, Result> {
  private readonly queues = new Map<string, Pending<Message, Result>[]>();

  constructor(
    private readonly handleBatch: (key: string, messages: Message[]) => Promise<Settled<Result>[]>,
    private readonly maxBatch = 500,
  ) {}

  /** Queues the message synchronously, so callers' posting order is the handling order. */
  post(key: string, message: Message): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const pending = { message, resolve, reject };
      const queue = this.queues.get(key);
      if (queue) {
        queue.push(pending);
        return;
      }
      this.queues.set(key, [pending]);
      void this.drain(key);
    });
  }

  /** Keys with messages queued or in flight. */
  get activeKeys(): number {
    return this.queues.size;
  }

  isBusy(key: string): boolean {
    return this.queues.has(key);
  }

  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
      let settled: Settled<Result>[];
      try {
        settled = await this.handleBatch(
          key,
          batch.map((p) => p.message),
        );
      } catch (error) {
        settled = batch.map(() => ({ ok: false as const, error }));
      }
      batch.forEach((pending, i) => {
        const outcome = settled[i];
        if (outcome?.ok) pending.resolve(outcome.value);
        else pending.reject(outcome ? outcome.error : new Error('mailbox handler returned too few results'));
      });
    }
    this.queues.delete(key);
  }
}

export type Settled<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

interface Pending<Message, Result> {
  message: Message;
  resolve: (value: Result) => void;
  reject: (error: unknown) => void;
}
