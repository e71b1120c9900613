import type { AddressInfo } from 'node:net';
import { SyntheticShop } from '@pulse/testing/synthetic/shop/synthetic-shop';
import type { WireInteraction } from '@pulse/testing/synthetic/shop/wire';
import { type InProcessPulse, startInProcessPulse, TEST_KEYS } from './support/in-process-app';

/**
 * The learning loop end to end on a small simulated shop: a SASRec champion
 * trained and promoted through the registry, the saga on, then new traffic.
 * An incremental update must be recorded in `model-sasrec` and swapped in,
 * and a shopper's open SSE stream must receive the refreshed list scored by
 * the updated weights.
 */
// Training a champion and several updates on two shared cores can take minutes.
jest.setTimeout(540_000);

// Learning options are read from the process environment (see learning.options.ts).
Object.assign(process.env, {
  PULSE_LEARNING: 'on',
  PULSE_LEARNING_MODEL: 'sasrec',
  PULSE_LEARNING_FLUSH_EVENTS: '150',
  PULSE_LEARNING_FLUSH_MS: '1000',
  PULSE_LEARNING_HOLDOUT: '40',
  PULSE_LEARNING_EPOCHS: '1',
  // The test is about the loop, not the quality gate (the trainer spec covers the gate): accept any update.
  PULSE_LEARNING_TOLERANCE: '1',
});

describe('learning loop', () => {
  let pulse: InProcessPulse;
  let url: string;
  const shop = new SyntheticShop({ seed: 11, items: 150, shoppers: 40, startAt: Date.now() - 3 * 3_600_000, newItemsPerDay: 0 });

  const call = async (method: string, path: string, role: keyof typeof TEST_KEYS, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_KEYS[role]}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  const sendInteractions = async (count: number): Promise<WireInteraction[]> => {
    const sent: WireInteraction[] = [];
    while (sent.length < count) {
      const next = shop.next();
      if (next.kind !== 'interaction') continue;
      sent.push(next.event);
    }
    for (let i = 0; i < sent.length; i += 500) {
      const { status } = await call('POST', '/v1/events', 'ingest', { events: sent.slice(i, i + 500) });
      expect(status).toBe(200);
    }
    return sent;
  };

  beforeAll(async () => {
    pulse = await startInProcessPulse({ PULSE_MODEL_TRAINING: 'inline', PULSE_UNKNOWN_ITEMS: 'accept' });
    await pulse.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(pulse.app.getHttpServer().address() as AddressInfo).port}`;
    const items = shop.initialItems;
    for (let i = 0; i < items.length; i += 1000) {
      expect((await call('POST', '/v1/items/batch', 'ingest', { items: items.slice(i, i + 1000) })).status).toBeLessThan(300);
    }
  });
  afterAll(() => pulse.close());

  it('updates the served model from new traffic and pushes the refreshed list over SSE', async () => {
    await sendInteractions(2500);
    const trained = await call('POST', '/v1/admin/models/sasrec/train', 'admin', {
      kind: 'sasrec',
      params: { hiddenSize: 16, maxLen: 20, numBlocks: 1, epochs: 3, validationSequences: 0, patience: 0, progress: 'none' },
      autoPromote: true,
      wait: true,
    });
    expect(trained.status).toBeLessThan(300);
    // The loop loads the champion on ModelPromoted.
    await eventually(async () => (await call('GET', '/v1/admin/learning', 'admin')).body.trainers[0].serving === 'sasrec@1');

    const badRequest = await call('GET', '/v1/stream/recommendations', 'read');
    expect(badRequest.status).toBe(400);
    expect(badRequest.body.message).toMatch(/^query\.shopperId: /);

    // The most active shopper of the new traffic is the one whose list the next update refreshes.
    const listener = openStream(`${url}/v1/stream/recommendations?shopperId=`, TEST_KEYS.read);
    const sent = await sendInteractions(600);
    const shopperId = mostFrequent(sent.map((e) => e.shopperId));
    const stream = listener(shopperId);
    await sendInteractions(400); // more traffic: the next update covers the shopper, the refresh reaches them

    const update = await eventually(async () => {
      const { body } = await call('GET', '/v1/admin/streams/model-sasrec?direction=backwards&limit=20', 'admin');
      return body.events?.find((e: any) => e.type === 'ModelIncrementallyUpdated' && e.data.swapped);
    });
    expect(update.data).toMatchObject({ model: 'sasrec', version: 1, swapped: true });
    expect(update.data.events).toBeGreaterThan(0);
    expect(update.data.holdoutCases).toBeGreaterThan(0);

    try {
      const refreshed = await stream.next((e) => e.event === 'refresh' && /^sasrec@1\+\d+$/.test(e.data.modelVersion ?? ''));
      expect(refreshed.data.shopperId).toBe(shopperId);
      // Refreshed after the update itself, or after the shopper's interests moved (the list
      // is then scored by the updated weights too): either way the new weights reached them.
      expect(['model_update', 'interest_shift']).toContain(refreshed.data.trigger);
      expect(refreshed.data.items.length).toBeGreaterThan(0);
    } finally {
      stream.close();
    }

    // A request after the swap is scored by the updated weights, and says so (response and served event).
    const served = await call('GET', `/v1/shoppers/${encodeURIComponent(shopperId)}/recommendations?limit=10`, 'read');
    expect(served.status).toBe(200);
    expect(served.body.strategy).toBe('personalized');
    expect(served.body.modelVersion).toMatch(/^sasrec@1\+\d+$/);
    const recorded = await call('GET', `/v1/admin/streams/recommendation-${served.body.id}`, 'admin');
    expect(recorded.body.events[0].data.modelVersion).toBe(served.body.modelVersion);

    const status = (await call('GET', '/v1/admin/learning', 'admin')).body.trainers[0];
    expect(status.updates.swapped).toBeGreaterThan(0);
    expect(status).toHaveProperty('lagEvents');
    expect(status).toHaveProperty('lagMs');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/pulse_learning_updates_total\{model="sasrec",outcome="swapped"\} [1-9]/);
  });
});

async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}

function mostFrequent(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

interface SseEvent {
  event: string;
  data: any;
}

/** A minimal SSE client over fetch: parses `event:`/`data:` blocks. */
function openStream(base: string, key: string) {
  return (shopperId: string) => {
    const controller = new AbortController();
    const seen: SseEvent[] = [];
    const waiters: (() => void)[] = [];
    void (async () => {
      const response = await fetch(`${base}${encodeURIComponent(shopperId)}`, {
        headers: { authorization: `Bearer ${key}` },
        signal: controller.signal,
      });
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const decoder = new TextDecoder();
      let text = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) {
            seen.push({ event, data: JSON.parse(data) });
            waiters.splice(0).forEach((w) => w());
          }
        }
      }
    })().catch((error: unknown) => {
      if ((error as Error).name !== 'AbortError') throw error;
    });
    return {
      async next(match: (e: SseEvent) => boolean): Promise<SseEvent> {
        for (;;) {
          const found = seen.find(match);
          if (found) return found;
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no matching SSE event; saw ${seen.map((e) => e.event).join(', ')}`)), 120_000);
            waiters.push(() => {
              clearTimeout(timer);
              resolve();
            });
          });
        }
      },
      close: () => controller.abort(),
    };
  };
}
