import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Projection } from '@pulse/platform/projections/projection';
import { pulseProjections } from '../../apps/api/src/projections';
import { auth, type InProcessPulse, startInProcessPulse } from './support/in-process-app';

// A projection whose handler throws on one event must stop with status
// `failed` at that event, say so through the admin API, and leave the other
// projections serving.

const fragile: Projection = {
  name: 'fragile_views',
  readModels: [{ name: 'fragile_views' }],
  eventTypes: ['ShopperViewedItem'],
  async handle(event, tx) {
    if (event.data.itemId === 'poison') throw new Error('this projection cannot handle poison');
    await tx.update<{ views: number }>('fragile_views', event.data.itemId, (doc) => ({ views: (doc?.views ?? 0) + 1 }));
  },
};

describe('a poisoned event', () => {
  let pulse: InProcessPulse;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    pulse = await startInProcessPulse(
      // The failure is logged on purpose; keep the test output quiet.
      { PULSE_LOG_LEVEL: 'fatal', PULSE_UNKNOWN_ITEMS: 'accept' },
      (config) => [...pulseProjections(config), fragile],
    );
    app = pulse.app;
  });

  afterAll(() => pulse.close());

  it('stops only its projection, reports where and why, and fails again at the same event on resume', async () => {
    const at = new Date().toISOString();
    const event = (n: number, itemId: string) => ({
      eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      type: 'view',
      shopperId: 'victim',
      sessionId: 's',
      occurredAt: at,
      itemId,
    });
    const write = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: auth('ingest'),
      payload: { events: [event(1, 'fine'), event(2, 'poison'), event(3, 'fine')] },
    });
    expect(write.statusCode).toBe(200);

    // The healthy projections include all three events...
    const profile = await app.inject({
      method: 'GET',
      url: `/v1/shoppers/victim/profile?after=${write.json().position}`,
      headers: auth('read'),
    });
    expect(profile.statusCode).toBe(200);
    expect(profile.json().counts.view).toBe(3);

    // ...while the fragile one stopped at the poisoned event and says so.
    const deadline = Date.now() + 5_000;
    let row: { state: string; failure?: { position: string; error: string; eventType: string } } | undefined;
    while (Date.now() < deadline) {
      const list = await app.inject({ method: 'GET', url: '/v1/admin/projections', headers: auth('admin') });
      row = list.json().projections.find((p: { name: string }) => p.name === 'fragile_views');
      if (row?.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(row).toMatchObject({
      state: 'failed',
      failure: { eventType: 'ShopperViewedItem', error: 'this projection cannot handle poison' },
    });
    const stream = await app.inject({ method: 'GET', url: '/v1/admin/streams/shopper-victim', headers: auth('admin') });
    expect(row!.failure!.position).toBe(stream.json().events[1].position);

    // The others reach (or stay) live: on a loaded machine one may still be catching up for a moment.
    const notLive = async () => {
      const list = await app.inject({ method: 'GET', url: '/v1/admin/projections', headers: auth('admin') });
      return (list.json().projections as { name: string; state: string }[])
        .filter((p) => p.name !== 'fragile_views' && p.state !== 'live')
        .map((p) => `${p.name}: ${p.state}`);
    };
    const settled = Date.now() + 10_000;
    let lagging = await notLive();
    while (lagging.length > 0 && !lagging.some((p) => /failed|paused/.test(p)) && Date.now() < settled) {
      await new Promise((r) => setTimeout(r, 50));
      lagging = await notLive();
    }
    expect(lagging).toEqual([]);

    // Resuming retries from the checkpoint and fails again at the same event: nothing is skipped.
    await app.inject({ method: 'POST', url: '/v1/admin/projections/fragile_views/resume', headers: auth('admin') });
    const again = Date.now() + 5_000;
    let retried = row;
    while (Date.now() < again) {
      const relist = await app.inject({ method: 'GET', url: '/v1/admin/projections', headers: auth('admin') });
      retried = relist.json().projections.find((p: { name: string }) => p.name === 'fragile_views');
      if (retried?.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(retried!.failure!.position).toBe(row!.failure!.position);
  });
});
