import { admit, decideFlush, emptyBuffer, type FlushPolicy, takeBatch } from './flush-policy';
import type { Interaction } from './interaction';

const policy: FlushPolicy = { flushEvents: 3, flushMs: 1_000, maxBatch: 5 };
const at = (n: number, ms = 0): Interaction => ({ shopperId: `s${n}`, itemId: `i${n}`, position: String(n), recordedAtMs: ms });
const events = (from: number, to: number, ms = 0) => Array.from({ length: to - from + 1 }, (_, k) => at(from + k, ms));

describe('flush policy', () => {
  it('given an empty buffer, when checked, then it waits', () => {
    expect(decideFlush(emptyBuffer(), 10_000, false, policy)).toEqual({ flush: false, why: 'empty' });
  });

  it('given fewer events than the count and younger than the age, when checked, then it waits', () => {
    const buffer = admit(emptyBuffer(), events(1, 2, 500), policy);
    expect(decideFlush(buffer, 1_000, false, policy)).toEqual({ flush: false, why: 'waiting' });
  });

  it('given the count reached, when checked, then it flushes by count', () => {
    const buffer = admit(emptyBuffer(), events(1, 3, 900), policy);
    expect(decideFlush(buffer, 1_000, false, policy)).toEqual({ flush: true, why: 'count' });
  });

  it('given one event older than flushMs, when checked, then it flushes by age', () => {
    const buffer = admit(emptyBuffer(), [at(1, 0)], policy);
    expect(decideFlush(buffer, 999, false, policy).flush).toBe(false);
    expect(decideFlush(buffer, 1_000, false, policy)).toEqual({ flush: true, why: 'age' });
  });

  it('given a full buffer and a busy trainer, when checked, then it keeps buffering', () => {
    const buffer = admit(emptyBuffer(), events(1, 4, 0), policy);
    expect(decideFlush(buffer, 60_000, true, policy)).toEqual({ flush: false, why: 'trainer_busy' });
  });

  it('given a busy trainer, when events keep coming, then the batch grows past the flush count up to the bound, dropping the oldest', () => {
    let buffer = emptyBuffer();
    buffer = admit(buffer, events(1, 4), policy);
    expect(buffer.events).toHaveLength(4); // beyond flushEvents: grows while training runs
    buffer = admit(buffer, events(5, 8), policy);
    expect(buffer.events.map((e) => e.position)).toEqual(['4', '5', '6', '7', '8']);
    expect(buffer.dropped).toBe(3);
  });

  it('given a flush, when the batch is taken, then the buffer empties and keeps the drop count', () => {
    const buffer = admit(emptyBuffer(), events(1, 7), policy);
    const { batch, rest } = takeBatch(buffer);
    expect(batch.map((e) => e.position)).toEqual(['3', '4', '5', '6', '7']);
    expect(rest).toEqual({ events: [], dropped: 2 });
  });
});
