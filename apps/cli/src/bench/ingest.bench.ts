import { join } from 'node:path';
import type { ExpectedRevision } from '@pulse/platform/event-store/event-store.port';
import { SqliteEventStore } from '@pulse/platform/event-store/sqlite-event-store.adapter';
import {
  EventStreamGenerator,
  SeededRandom,
  StoredEventFactory,
  type WireEvent,
} from '@pulse/testing/synthetic/event-stream.generator';
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
  concurrencyLimit,
  removeDir,
  sleep,
  startPulse,
  summarise,
} from './bench-support';

/**
 * `pulse bench ingest`: how much of the event store's raw append rate Pulse
 * delivers over HTTP. One run measures, on fresh temp data:
 *  1. throughput: batches of 100 events from a few keep-alive clients;
 *  2. latency: single-event POSTs at a fixed rate (open loop);
 *  3. the raw rate of the same store kind (SQLite) in this process, appending
 *     events built exactly as the service builds them, one append per event
 *     (what ingestion does for shoppers with one event in a batch) and 100
 *     per append (the store's ceiling).
 * The headline is HTTP events/s ÷ raw one-per-append events/s.
 */

export interface IngestBenchConfig {
  /** Seconds of each measured phase. */
  readonly durationS: number;
  /** Single-event POSTs per second in the latency phase. */
  readonly rate: number;
  /** Concurrent single-event POSTs at most in the latency phase (the client's connection pool). */
  readonly maxInFlight: number;
  readonly clients: number;
  readonly batchSize: number;
  readonly items: number;
  readonly shoppers: number;
  /** Unmeasured load before the throughput phase (JIT, caches). */
  readonly warmupS: number;
  readonly seed: number;
}

export const INGEST_DEFAULTS: IngestBenchConfig = {
  durationS: 10,
  rate: 200,
  maxInFlight: 64,
  clients: 4,
  batchSize: 100,
  items: 1000,
  shoppers: 10_000,
  warmupS: 2,
  seed: 1,
};

export interface RateFigure {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

export interface RawFigure extends RateFigure {
  /** CPU time of this process inside the appends, per event. */
  readonly cpuMsPerEvent: number;
}

export interface IngestBenchResult {
  readonly benchmark: 'ingest';
  readonly config: IngestBenchConfig;
  readonly machine: MachineInfo;
  readonly http: RateFigure & {
    readonly requests: number;
    readonly requestLatencyMs: LatencySummary;
    /** CPU the load generator itself used, in cores: what it took from the service on a small machine. */
    readonly clientCpuCores: number;
    /** Service CPU time per event (Linux only): steadier than events/s when others share the cores. */
    readonly serviceCpuMsPerEvent?: number;
  };
  readonly latency: {
    readonly targetRate: number;
    readonly sent: number;
    /** Requests answered per second, the drain of a backlog at the end included: below target = overloaded. */
    readonly achievedRate: number;
    /** From each request's scheduled send time, so a stalled server can't hide its backlog. */
    readonly latencyMs: LatencySummary;
    readonly serviceCpuMsPerRequest?: number;
  };
  readonly raw: {
    readonly oneEventPerAppend: RawFigure & { readonly appendLatencyMs: LatencySummary };
    readonly batchedAppend: RawFigure & { readonly eventsPerAppend: number };
  };
  /** http.eventsPerSecond / raw.oneEventPerAppend.eventsPerSecond */
  readonly httpToRawRatio: number;
  /** The same from CPU time per event (raw / service), less sensitive to other load on the machine. */
  readonly httpToRawRatioByCpu?: number;
}

/**
 * The synthetic shop of libs/testing: skewed shoppers in sessions, searches,
 * carts, purchases. Its clock advances ~200 ms per event; starting a week ago
 * keeps millions of events in the past, where Pulse accepts them.
 */
const shopOptions = (config: IngestBenchConfig) => ({
  seed: config.seed,
  items: config.items,
  shoppers: config.shoppers,
  startAt: Date.now() - 7 * 24 * 3600_000,
});

const cpuSince = (pulse: PulseChild, before: number | undefined) => {
  const after = pulse.cpuMs();
  return before === undefined || after === undefined ? undefined : after - before;
};
const perUnit = (total: number | undefined, units: number | undefined) =>
  total === undefined || !units ? undefined : total / units;

// ---- over HTTP -------------------------------------------------------------------

interface EventsAnswer {
  results: { eventId: string; status: string; reason?: string }[];
}

/** Posts events and insists every one was accepted: anything else invalidates the figures. */
async function postEvents(pulse: PulseChild, body: unknown): Promise<number> {
  const answer = await postJson<EventsAnswer>(pulse, 'POST', '/v1/events', body);
  const refused = answer.results.find((r) => r.status !== 'accepted');
  if (refused)
    throw new Error(`event ${refused.eventId} was ${refused.status}: ${refused.reason ?? ''}`);
  return answer.results.length;
}

/** `clients` keep-alive clients, each posting one batch at a time, for `seconds`. */
async function runBatchClients(
  pulse: PulseChild,
  shop: EventStreamGenerator,
  config: IngestBenchConfig,
  seconds: number,
) {
  const requestMs: number[] = [];
  let events = 0;
  const deadline = now() + seconds * 1000;
  const client = async () => {
    while (now() < deadline) {
      const batch = shop.nextBatch(config.batchSize);
      const sentAt = now();
      // Not `events += await ...`: that reads `events` before the await and loses other clients' counts.
      const accepted = await postEvents(pulse, { events: batch });
      requestMs.push(now() - sentAt);
      events += accepted;
    }
  };
  const cpuBefore = process.cpuUsage();
  const serviceCpuBefore = pulse.cpuMs();
  const start = now();
  // fetch's global agent keeps connections alive: one per concurrent client.
  await Promise.all(Array.from({ length: config.clients }, client));
  const elapsedMs = now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    events,
    elapsedMs,
    requestMs,
    clientCpuCores: (cpu.user + cpu.system) / 1000 / elapsedMs,
    serviceCpuMs: cpuSince(pulse, serviceCpuBefore),
  };
}

async function measureThroughput(
  pulse: PulseChild,
  shop: EventStreamGenerator,
  config: IngestBenchConfig,
) {
  progress(`warm-up: ${config.warmupS} s`);
  await runBatchClients(pulse, shop, config, config.warmupS);
  progress(
    `throughput: batches of ${config.batchSize}, ${config.clients} clients, ${config.durationS} s`,
  );
  const run = await runBatchClients(pulse, shop, config, config.durationS);
  const seconds = run.elapsedMs / 1000;
  return {
    events: run.events,
    seconds,
    eventsPerSecond: run.events / seconds,
    requests: run.requestMs.length,
    requestLatencyMs: summarise(run.requestMs),
    clientCpuCores: run.clientCpuCores,
    serviceCpuMsPerEvent: perUnit(run.serviceCpuMs, run.events),
  };
}

/**
 * Open loop: request i is due at start + i/rate whether or not earlier ones
 * have answered, and its latency counts from that due time. A closed loop
 * (send, wait, send) would slow down with the server and hide its stalls.
 */
async function measureLatency(
  pulse: PulseChild,
  shop: EventStreamGenerator,
  config: IngestBenchConfig,
) {
  progress(`latency: single events at ${config.rate}/s, ${config.durationS} s`);
  const total = Math.max(1, Math.round(config.rate * config.durationS));
  const latencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  // Like a client's connection pool; time spent waiting for a slot counts in the latency.
  const pool = concurrencyLimit(config.maxInFlight);
  const serviceCpuBefore = pulse.cpuMs();
  const start = now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / config.rate;
    const wait = due - now();
    if (wait >= 1) await sleep(wait);
    const event = shop.nextEvent();
    inFlight.push(
      pool(() => postEvents(pulse, event)).then(() => {
        latencies.push(now() - due);
      }),
    );
  }
  await Promise.all(inFlight);
  const seconds = (now() - start) / 1000;
  return {
    targetRate: config.rate,
    sent: total,
    achievedRate: total / seconds,
    latencyMs: summarise(latencies),
    serviceCpuMsPerRequest: perUnit(cpuSince(pulse, serviceCpuBefore), total),
  };
}

// ---- the raw store -----------------------------------------------------------------

/**
 * Appends through the EventStore port, one append per `eventsPerAppend`
 * events of one stream, with the expected revision the actors would pass.
 * Events are built in untimed chunks so only the store is measured.
 */
async function measureRawAppends(config: IngestBenchConfig, eventsPerAppend: number) {
  progress(`raw SQLite appends: ${eventsPerAppend} event(s) per append, ${config.durationS} s`);
  // The same synthetic shop as over HTTP, and events built as the shopper actors build them.
  const shop = new EventStreamGenerator(shopOptions(config));
  const factory = new StoredEventFactory(new SeededRandom(config.seed + 1));
  const dir = makeTempDir('raw');
  const store = new SqliteEventStore(join(dir, 'events.db'));
  const revisions = new Map<string, bigint>();
  const appendMs: number[] = [];
  let events = 0;
  let busyMs = 0;
  let cpuMicros = 0;
  // One stream per append: a batch takes the first event's shopper, keeping every payload's shape.
  const nextAppend = () => {
    const wire = shop.nextBatch(eventsPerAppend);
    const shopperId = wire[0]!.shopperId;
    const stored = wire.map((event) =>
      factory.interaction({ ...event, shopperId } as WireEvent, new Date().toISOString()),
    );
    return { streamId: stored[0]!.streamId, events: stored.map((s) => s.event) };
  };
  try {
    while (busyMs < config.durationS * 1000) {
      const chunk = Array.from(
        { length: Math.max(1, Math.floor(1000 / eventsPerAppend)) },
        nextAppend,
      );
      const cpuBefore = process.cpuUsage();
      for (const append of chunk) {
        const expected: ExpectedRevision = revisions.get(append.streamId) ?? 'no_stream';
        const start = now();
        const result = await store.append(append.streamId, append.events, expected);
        const ms = now() - start;
        busyMs += ms;
        appendMs.push(ms);
        revisions.set(append.streamId, result.nextRevision);
        events += append.events.length;
      }
      const cpu = process.cpuUsage(cpuBefore);
      cpuMicros += cpu.user + cpu.system;
    }
  } finally {
    await store.close();
    removeDir(dir);
  }
  const seconds = busyMs / 1000;
  return {
    events,
    seconds,
    eventsPerSecond: events / seconds,
    cpuMsPerEvent: cpuMicros / 1000 / events,
    appendLatencyMs: summarise(appendMs),
  };
}

// ---- the run --------------------------------------------------------------------

/** Phases 1 and 2, against a child process on fresh data that is stopped afterwards. */
async function measureService(shop: EventStreamGenerator, config: IngestBenchConfig) {
  const dataDir = makeTempDir('service');
  let pulse: PulseChild | undefined;
  try {
    progress('starting Pulse (node dist/apps/api/src/main.js) on a fresh data directory');
    pulse = await startPulse(dataDir);
    progress(`listing ${config.items} items`);
    for (let i = 0; i < shop.items.length; i += 1000) {
      await postJson(pulse, 'POST', '/v1/items/batch', { items: shop.items.slice(i, i + 1000) });
    }
    const http = await measureThroughput(pulse, shop, config);
    const latency = await measureLatency(pulse, shop, config);
    return { http, latency };
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

export async function runIngestBench(config: IngestBenchConfig): Promise<IngestBenchResult> {
  const machine = machineInfo();
  const { http, latency } = await measureService(
    new EventStreamGenerator(shopOptions(config)),
    config,
  );
  // After the service has stopped, so it takes no CPU from the raw phases.
  const single = await measureRawAppends(config, 1);
  const batched = await measureRawAppends(config, config.batchSize);
  return {
    benchmark: 'ingest',
    config,
    machine,
    http,
    latency,
    raw: {
      oneEventPerAppend: single,
      batchedAppend: {
        events: batched.events,
        seconds: batched.seconds,
        eventsPerSecond: batched.eventsPerSecond,
        cpuMsPerEvent: batched.cpuMsPerEvent,
        eventsPerAppend: config.batchSize,
      },
    },
    httpToRawRatio: http.eventsPerSecond / single.eventsPerSecond,
    httpToRawRatioByCpu: perUnit(single.cpuMsPerEvent, http.serviceCpuMsPerEvent),
  };
}

export function formatIngestReport(r: IngestBenchResult): string {
  const { config: c, machine: m } = r;
  const lat = (s: LatencySummary) => [fmt(s.p50, 2), fmt(s.p99, 2), fmt(s.max, 2)];
  const none = ['-', '-', '-'];
  const table = formatTable(
    ['phase', 'events/s', 'CPU ms/event', 'p50 ms', 'p99 ms', 'max ms'],
    [
      [
        `HTTP, batches of ${c.batchSize}, ${c.clients} clients (per request)`,
        fmt(r.http.eventsPerSecond, 0),
        fmt(r.http.serviceCpuMsPerEvent, 3),
        ...lat(r.http.requestLatencyMs),
      ],
      [
        `HTTP, single events at ${c.rate}/s (open loop)`,
        fmt(r.latency.achievedRate, 0),
        fmt(r.latency.serviceCpuMsPerRequest, 3),
        ...lat(r.latency.latencyMs),
      ],
      [
        'raw SQLite append, 1 event per append',
        fmt(r.raw.oneEventPerAppend.eventsPerSecond, 0),
        fmt(r.raw.oneEventPerAppend.cpuMsPerEvent, 3),
        ...lat(r.raw.oneEventPerAppend.appendLatencyMs),
      ],
      [
        `raw SQLite append, ${c.batchSize} events per append`,
        fmt(r.raw.batchedAppend.eventsPerSecond, 0),
        fmt(r.raw.batchedAppend.cpuMsPerEvent, 3),
        ...none,
      ],
    ],
  );
  return [
    `Pulse ingest benchmark: ${c.durationS} s per phase, ${c.items} items, ${c.shoppers} shoppers, seed ${c.seed}`,
    `machine: ${m.cpus} cpus (${m.cpuModel}), node ${m.node}, load average ${m.loadAverage1m} at start`,
    '',
    table,
    '',
    `HTTP ÷ raw (1 event per append): ${fmt(r.httpToRawRatio, 3)} by events/s, ${fmt(r.httpToRawRatioByCpu, 3)} by CPU per event`,
    `load generator used ${fmt(r.http.clientCpuCores, 2)} cores during the throughput phase (same machine)`,
  ].join('\n');
}
