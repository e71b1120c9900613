import { randomBytes, randomUUID } from 'node:crypto';
import { SingleBar } from 'cli-progress';
import { EventStreamGenerator } from '@pulse/testing/synthetic/event-stream.generator';
import {
  fmt,
  formatTable,
  type LatencySummary,
  machineInfo,
  type MachineInfo,
  makeTempDir,
  now,
  postJson,
  progress,
  type PulseChild,
  removeDir,
  sleep,
  startPulse,
  summarise,
} from './bench-support';

/**
 * `pulse bench freshness`: how long after a write is acknowledged it shows in
 * a read model, while the service absorbs a steady background load. One run,
 * against the compiled service on fresh temp data:
 *  - background: synthetic shop traffic at `backgroundRate` events/s, in
 *    batches, open loop (each batch is due at its time whether or not earlier
 *    ones have answered);
 *  - probe without `after`: POST one view for a probe shopper, then GET its
 *    profile back to back until recentInteractions[0] is that view. Figure:
 *    ack → visible. Its resolution is one GET round trip;
 *  - probe with `after`: POST one view, then ONE GET with after=<position>.
 *    Figure: ack → answer (the server waits for the projection itself).
 * Probes run one at a time, alternating the two kinds, during the whole
 * measured window.
 */

export interface FreshnessBenchConfig {
  /** Seconds of the measured window (after warm-up). */
  readonly durationS: number;
  /** Background events per second. */
  readonly backgroundRate: number;
  readonly batchSize: number;
  readonly items: number;
  readonly shoppers: number;
  readonly warmupS: number;
  /** Pause between probes, so probes stay a small part of the load. */
  readonly probeGapMs: number;
  /** A probe not visible after this long counts as a timeout. */
  readonly probeTimeoutMs: number;
  readonly seed: number;
}

export const FRESHNESS_DEFAULTS: FreshnessBenchConfig = {
  durationS: 30,
  backgroundRate: 1000,
  batchSize: 50,
  items: 2000,
  shoppers: 20_000,
  warmupS: 3,
  probeGapMs: 50,
  probeTimeoutMs: 10_000,
  seed: 1,
};

export interface FreshnessBenchResult {
  readonly benchmark: 'freshness';
  readonly config: FreshnessBenchConfig;
  readonly machine: MachineInfo;
  readonly background: {
    readonly targetRate: number;
    readonly events: number;
    readonly achievedRate: number;
    /** Per batch request, from its due time (open loop). */
    readonly batchLatencyMs: LatencySummary;
  };
  /** POST of one probe event: send → acknowledged. */
  readonly probeAckMs: LatencySummary;
  /** Without `after`: ack → first GET that shows the event. */
  readonly ackToVisibleMs: LatencySummary & {
    readonly timeouts: number;
    readonly meanPolls: number;
  };
  /** With `after`: ack → answer of the single GET (which must show the event). */
  readonly ackToAfterAnswerMs: LatencySummary & { readonly failures: number };
  /** Projection lag (events behind the head) sampled once a second during the window: the worst seen. */
  readonly maxLagEvents: Readonly<Record<string, number>>;
}

// ---- HTTP -----------------------------------------------------------------------------

interface Keys {
  readonly read: string;
  readonly admin: string;
}

async function getJson(
  pulse: PulseChild,
  key: string,
  path: string,
): Promise<{ status: number; body: any }> {
  const response = await fetch(pulse.baseUrl + path, {
    headers: { authorization: `Bearer ${key}` },
  });
  const text = await response.text();
  return { status: response.status, body: text.length > 0 ? JSON.parse(text) : null };
}

interface EventsAnswer {
  readonly results: { eventId: string; status: string; reason?: string }[];
  readonly position: string;
}

async function postEvents(pulse: PulseChild, body: unknown): Promise<EventsAnswer> {
  const answer = await postJson<EventsAnswer>(pulse, 'POST', '/v1/events', body);
  const refused = answer.results.find((r) => r.status !== 'accepted');
  if (refused)
    throw new Error(`event ${refused.eventId} was ${refused.status}: ${refused.reason ?? ''}`);
  return answer;
}

// ---- load and probes ------------------------------------------------------------------------

/** Shared by every loop: whether samples count yet (after warm-up), and when to stop. */
interface Window {
  measuring: boolean;
  stopped: boolean;
}

const MAX_BATCHES_IN_FLIGHT = 16;

/** Open-loop batches until stopped; only batches due inside the measured window are counted. */
async function runBackground(
  pulse: PulseChild,
  generator: EventStreamGenerator,
  config: FreshnessBenchConfig,
  window: Window,
) {
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let events = 0;
  let measuredFrom = 0;
  let lastAck = 0;
  const start = now();
  for (let i = 0; !window.stopped; i++) {
    const due = start + (i * config.batchSize * 1000) / config.backgroundRate;
    if (due > now()) await sleep(due - now());
    if (window.stopped) break;
    const measured = window.measuring;
    if (measured && measuredFrom === 0) measuredFrom = due;
    const request = postEvents(pulse, { events: generator.nextBatch(config.batchSize) }).then(
      () => {
        if (!measured) return;
        lastAck = now();
        latencies.push(lastAck - due);
        events += config.batchSize;
      },
    );
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request)).catch(() => undefined);
    // A service that falls behind gets at most this many batches at once; later
    // batches go out late and their latency, counted from their due time, shows it.
    if (inFlight.size >= MAX_BATCHES_IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  // Up to the last acknowledgement: a service that falls behind shows a lower rate.
  const seconds = (lastAck - measuredFrom) / 1000;
  return {
    targetRate: config.backgroundRate,
    events,
    achievedRate: events / seconds,
    batchLatencyMs: summarise(latencies),
  };
}

interface ProbeSamples {
  ackMs: number[];
  visibleMs: number[];
  polls: number[];
  timeouts: number;
  afterMs: number[];
  afterFailures: number;
}

/** One view by the probe shopper in a session of its own, occurring now (so it sorts first). */
function probeEvent(shopperId: string, sessionId: string, itemId: string) {
  return {
    eventId: randomUUID(),
    type: 'view',
    shopperId,
    sessionId,
    occurredAt: new Date().toISOString(),
    itemId,
  };
}

const shows = (profile: any, sessionId: string) =>
  profile?.recentInteractions?.[0]?.sessionId === sessionId;

async function runProbes(
  pulse: PulseChild,
  keys: Keys,
  itemId: string,
  config: FreshnessBenchConfig,
  window: Window,
) {
  const samples: ProbeSamples = {
    ackMs: [],
    visibleMs: [],
    polls: [],
    timeouts: 0,
    afterMs: [],
    afterFailures: 0,
  };
  const shopperId = `probe-${randomBytes(4).toString('hex')}`;
  const profilePath = `/v1/shoppers/${shopperId}/profile`;
  for (let i = 0; !window.stopped; i++) {
    const measured = window.measuring;
    const sessionId = `probe-${i}`;
    const sentAt = now();
    const answer = await postEvents(pulse, probeEvent(shopperId, sessionId, itemId));
    const ackAt = now();
    if (measured) samples.ackMs.push(ackAt - sentAt);

    if (i % 2 === 0) {
      // Without `after`: what a client sees that just reads again.
      let polls = 0;
      let visibleAt: number | undefined;
      while (now() - ackAt < config.probeTimeoutMs) {
        polls++;
        const { status, body } = await getJson(pulse, keys.read, profilePath);
        if (status === 200 && shows(body, sessionId)) {
          visibleAt = now();
          break;
        }
      }
      if (measured && visibleAt === undefined) samples.timeouts++;
      if (measured && visibleAt !== undefined) {
        samples.visibleMs.push(visibleAt - ackAt);
        samples.polls.push(polls);
      }
    } else {
      // With `after`: the server holds the read until the projection has the write.
      const { status, body } = await getJson(
        pulse,
        keys.read,
        `${profilePath}?after=${answer.position}`,
      );
      const answeredAt = now();
      if (measured && (status !== 200 || !shows(body, sessionId))) samples.afterFailures++;
      else if (measured) samples.afterMs.push(answeredAt - ackAt);
    }
    await sleep(config.probeGapMs);
  }
  return samples;
}

/** Once a second: how far each projection is behind the head. */
async function sampleLag(
  pulse: PulseChild,
  keys: Keys,
  window: Window,
): Promise<Record<string, number>> {
  const worst: Record<string, number> = {};
  while (!window.stopped) {
    if (window.measuring) {
      const { status, body } = await getJson(pulse, keys.admin, '/v1/admin/projections');
      if (status !== 200) throw new Error(`GET /v1/admin/projections answered ${status}`);
      for (const p of body.projections as { name: string; lagEvents: number | null }[]) {
        worst[p.name] = Math.max(worst[p.name] ?? 0, p.lagEvents ?? 0);
      }
    }
    await sleep(1000);
  }
  return worst;
}

// ---- the run ---------------------------------------------------------------------------------

export async function runFreshnessBench(
  config: FreshnessBenchConfig,
): Promise<FreshnessBenchResult> {
  const machine = machineInfo();
  const generator = new EventStreamGenerator({
    seed: config.seed,
    items: config.items,
    shoppers: config.shoppers,
  });
  const keys: Keys = {
    read: randomBytes(18).toString('base64url'),
    admin: randomBytes(18).toString('base64url'),
  };
  const dataDir = makeTempDir('freshness');
  let pulse: PulseChild | undefined;
  try {
    progress('starting Pulse (node dist/apps/api/src/main.js) on a fresh data directory');
    pulse = await startPulse(dataDir, { PULSE_READ_KEY: keys.read, PULSE_ADMIN_KEY: keys.admin });
    progress(`listing ${config.items} items`);
    for (let i = 0; i < generator.items.length; i += 1000) {
      await postJson(pulse, 'POST', '/v1/items/batch', {
        items: generator.items.slice(i, i + 1000),
      });
    }

    const window: Window = { measuring: false, stopped: false };
    progress(
      `background ${config.backgroundRate} events/s in batches of ${config.batchSize}; warm-up ${config.warmupS} s, then probes for ${config.durationS} s`,
    );
    const background = runBackground(pulse, generator, config, window);
    const probes = runProbes(pulse, keys, generator.items[0]!.id, config, window);
    const lag = sampleLag(pulse, keys, window);
    // If a loop fails, stop the others instead of leaving them running.
    const all = Promise.all([background, probes, lag]);
    all.catch(() => {
      window.stopped = true;
    });
    await Promise.race([sleep(config.warmupS * 1000), all]);
    window.measuring = true;
    await Promise.race([countdown(config.durationS), all]);
    window.stopped = true;
    const [load, samples, maxLagEvents] = await all;

    const visible = summarise(samples.visibleMs);
    const meanPolls = samples.polls.reduce((a, b) => a + b, 0) / Math.max(1, samples.polls.length);
    return {
      benchmark: 'freshness',
      config,
      machine,
      background: load,
      probeAckMs: summarise(samples.ackMs),
      ackToVisibleMs: { ...visible, timeouts: samples.timeouts, meanPolls },
      ackToAfterAnswerMs: { ...summarise(samples.afterMs), failures: samples.afterFailures },
      maxLagEvents,
    };
  } catch (error) {
    if (pulse && !pulse.isAlive()) {
      throw new Error(
        `${(error as Error).message}\nPulse died during the benchmark. Its output:\n${pulse.outputTail()}`,
      );
    }
    throw error;
  } finally {
    await pulse?.stop();
    removeDir(dataDir);
  }
}

/** The measured window, with a progress bar on stderr. */
async function countdown(seconds: number): Promise<void> {
  const progressBar = new SingleBar({
    format: 'measuring [{bar}] {value}/{total} s',
    stream: process.stderr,
  });
  progressBar.start(seconds, 0);
  try {
    for (let s = 1; s <= seconds; s++) {
      await sleep(1000);
      progressBar.update(s);
    }
  } finally {
    progressBar.stop();
  }
}

export function formatFreshnessReport(r: FreshnessBenchResult): string {
  const { config: c, machine: m } = r;
  const row = (label: string, s: LatencySummary, extra: string) => [
    label,
    fmt(s.count, 0),
    fmt(s.p50, 1),
    fmt(s.p99, 1),
    fmt(s.max, 1),
    extra,
  ];
  const table = formatTable(
    ['measure', 'samples', 'p50 ms', 'p99 ms', 'max ms', ''],
    [
      row(
        'ack → visible, polling without after',
        r.ackToVisibleMs,
        `${r.ackToVisibleMs.timeouts} timeouts, ${fmt(r.ackToVisibleMs.meanPolls, 1)} GETs/probe`,
      ),
      row(
        'ack → answer, one GET with after',
        r.ackToAfterAnswerMs,
        `${r.ackToAfterAnswerMs.failures} failures`,
      ),
      row('probe POST (send → ack)', r.probeAckMs, ''),
      row(`background batch of ${c.batchSize} (from due time)`, r.background.batchLatencyMs, ''),
    ],
  );
  const lag = Object.entries(r.maxLagEvents)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  return [
    `Pulse freshness benchmark: ${c.durationS} s measured after ${c.warmupS} s warm-up, seed ${c.seed}`,
    `machine: ${m.cpus} cpus (${m.cpuModel}), node ${m.node}, load average ${m.loadAverage1m} at start`,
    `background load: target ${c.backgroundRate} events/s, achieved ${fmt(r.background.achievedRate, 0)} events/s (${r.background.events} events)`,
    '',
    table,
    '',
    `worst projection lag seen (events behind the head, sampled each second): ${lag || '-'}`,
  ].join('\n');
}
