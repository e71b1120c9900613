import { SeededRandom } from '@pulse/testing/synthetic/shop/random';
import {
  type LatencySummary,
  machineInfo,
  type MachineInfo,
  now,
  progress,
  removeDir,
  summarise,
} from './bench-support';
import { type BareServer, startBareServer } from './bare-server';
import { type ServingPulse, startCaughtUp } from './catch-up';
import { measureSideBySide, type Target, type TargetFigures } from './closed-loop';
import { KeepAliveClient } from './keep-alive-client';
import { type ServingDataDir, servingDataDir } from './serving-cache';
import { cycle, medianRatio } from './serving-stats';

/**
 * One serving benchmark (`bench recommend`, `bench search`) over catalog
 * sizes: for each size a shop with history, Pulse caught up on it, then the
 * route, GET /v1/items/:id (same Nest/Fastify/auth stack, one read-model
 * lookup) and a bare node:http server returning a body of the route's median
 * size, measured side by side in alternating rounds. The headline is
 * route ÷ bare and route ÷ item-get, per round, median over the rounds.
 */

export interface ServingBenchConfig {
  /** Catalog sizes, each measured on its own shop and Pulse. */
  readonly sizes: readonly number[];
  readonly eventsPerItem: number;
  /** Measured seconds per route, split over the rounds. */
  readonly durationS: number;
  readonly warmupS: number;
  readonly rounds: number;
  readonly concurrency: number;
  /** Seconds of one-at-a-time requests before the load: unloaded latency, and the bare body's size. */
  readonly probeS: number;
  readonly seed: number;
  /** Keep prepared data directories here and reuse them (see servingDataDir). */
  readonly cacheDir?: string;
  /** How long Pulse may take to catch up with the written log. */
  readonly catchUpTimeoutS: number;
}

export const SERVING_DEFAULTS: ServingBenchConfig = {
  sizes: [10_000, 100_000],
  eventsPerItem: 10,
  durationS: 25,
  warmupS: 3,
  rounds: 5,
  concurrency: 4,
  probeS: 5,
  seed: 1,
  catchUpTimeoutS: 4 * 3600,
};

/** What a benchmark supplies: its route and request mix. */
export interface ServingRoute {
  readonly name: string;
  readonly description: string;
  /** A long list of request paths (with query) over the prepared shop. */
  paths(data: ServingDataDir, random: SeededRandom): string[];
  /** A label of one answer, tallied over the probe (e.g. the strategy served). */
  classify(body: any): string;
}

export interface ServingRatios {
  readonly p50VsBare: number;
  readonly p99VsBare: number;
  readonly p50VsItemGet: number;
  readonly p99VsItemGet: number;
  /** item-get requests/s ÷ the route's: how many item reads one recommendation (or search) costs. */
  readonly throughputItemGetVsRoute: number;
  readonly throughputBareVsRoute: number;
  readonly cpuVsItemGet?: number;
}

export interface ServingSizeResult {
  readonly items: number;
  readonly setup: {
    readonly interactions: number;
    readonly storedEvents: number;
    readonly writeSeconds: number;
    readonly fromCache: boolean;
    /** Pulse start → caught up on the freshly written log (the cached build's, when reused). */
    readonly catchUpSeconds: number;
    readonly catchUpCpuSeconds?: number;
    /** This run's Pulse: start → ready. */
    readonly readySeconds: number;
    readonly historyFrom: string;
    readonly historyTo: string;
    readonly returningShoppers: number;
  };
  readonly loadAverage1m: { readonly before: number; readonly after: number };
  /** One request at a time, before the load. */
  readonly unloaded: LatencySummary;
  /** What the probe's answers were (strategies served, etc.). */
  readonly answerMix: Record<string, number>;
  readonly bareBodyBytes: number;
  readonly routes: TargetFigures[];
  readonly ratios: ServingRatios;
  /** Pulse's RSS at the end (Linux), MB. */
  readonly serviceRssMb?: number;
}

export interface ServingBenchResult {
  readonly benchmark: string;
  readonly config: ServingBenchConfig;
  readonly machine: MachineInfo;
  readonly sizes: ServingSizeResult[];
}

export async function runServingBench(
  benchmark: string,
  route: ServingRoute,
  config: ServingBenchConfig,
): Promise<ServingBenchResult> {
  const machine = machineInfo();
  const sizes: ServingSizeResult[] = [];
  for (const items of config.sizes) {
    progress(`==== ${benchmark}: catalog of ${items} items ====`);
    sizes.push(await runServingSize(route, items, config));
  }
  return { benchmark, config, machine, sizes };
}

const loadAverage1m = (): number => machineInfo().loadAverage1m;

export async function runServingSize(
  route: ServingRoute,
  items: number,
  config: ServingBenchConfig,
): Promise<ServingSizeResult> {
  const data = await servingDataDir(
    { items, eventsPerItem: config.eventsPerItem, seed: config.seed },
    config.cacheDir,
    config.catchUpTimeoutS * 1000,
  );
  let serving: ServingPulse | undefined;
  let bare: BareServer | undefined;
  const clients: KeepAliveClient[] = [];
  try {
    progress(`starting Pulse on ${data.dataDir} (${data.storedEvents} events)`);
    serving = await startCaughtUp(data.dataDir, data.head, { timeoutMs: config.catchUpTimeoutS * 1000 });
    const { pulse, keys } = serving;
    const loadBefore = loadAverage1m();
    const random = new SeededRandom(config.seed * 7919 + items);
    const routePaths = route.paths(data, random);
    const itemIds = data.shop.initialItems.map((item) => item.id);
    const itemPaths = Array.from({ length: 5000 }, () => `/v1/items/${encodeURIComponent(random.pick(itemIds))}`);

    const pulseClient = new KeepAliveClient(pulse.baseUrl, config.concurrency);
    clients.push(pulseClient);
    const probe = await probeRoute(pulseClient, keys.read, routePaths, config.probeS, route.classify);
    progress(
      `  unloaded ${route.name}: p50 ${probe.latencyMs.p50.toFixed(1)} ms over ${probe.latencyMs.count} requests; median body ${probe.medianBody.length} bytes`,
    );
    bare = await startBareServer(probe.medianBody, data.dataDir);
    const bareClient = new KeepAliveClient(bare.baseUrl, config.concurrency);
    clients.push(bareClient);

    const pulseCpu = () => pulse.cpuMs();
    const bareServer = bare;
    const targets: Target[] = [
      { name: route.name, description: route.description, client: pulseClient, key: keys.read, path: cycle(routePaths), cpuMs: pulseCpu },
      {
        name: 'item-get',
        description: 'GET /v1/items/:id (read-model lookup, full Nest/Fastify/auth stack)',
        client: pulseClient,
        key: keys.read,
        path: cycle(itemPaths),
        cpuMs: pulseCpu,
      },
      {
        name: 'bare',
        description: `node:http child process, prebuilt ${probe.medianBody.length}-byte JSON body`,
        client: bareClient,
        path: () => '/',
        cpuMs: () => bareServer.cpuMs(),
      },
    ];
    progress(
      `measuring ${targets.map((t) => t.name).join(', ')}: ${config.rounds} rounds of ${(config.durationS / config.rounds).toFixed(1)} s each, concurrency ${config.concurrency}`,
    );
    const routes = await measureSideBySide(targets, {
      concurrency: config.concurrency,
      roundSeconds: config.durationS / config.rounds,
      warmupSeconds: config.warmupS,
      rounds: config.rounds,
    });
    const rss = await serviceRssMb(pulseClient);
    const catchUp = data.catchUp ?? { seconds: serving.readySeconds, cpuSeconds: serving.readyCpuSeconds };
    return {
      items,
      setup: {
        interactions: data.interactions,
        storedEvents: data.storedEvents,
        writeSeconds: data.writeSeconds,
        fromCache: data.fromCache,
        catchUpSeconds: catchUp.seconds,
        ...(catchUp.cpuSeconds !== undefined && { catchUpCpuSeconds: catchUp.cpuSeconds }),
        readySeconds: serving.readySeconds,
        historyFrom: data.historyFrom,
        historyTo: data.historyTo,
        returningShoppers: data.returningShopperIds.length,
      },
      loadAverage1m: { before: loadBefore, after: loadAverage1m() },
      unloaded: probe.latencyMs,
      answerMix: probe.mix,
      bareBodyBytes: probe.medianBody.length,
      routes,
      ratios: servingRatios(routes as [TargetFigures, TargetFigures, TargetFigures]),
      ...(rss !== undefined && { serviceRssMb: rss }),
    };
  } catch (error) {
    if (serving && !serving.pulse.isAlive()) {
      throw new Error(`${(error as Error).message}\nPulse died during the benchmark. Its output:\n${serving.pulse.outputTail()}`);
    }
    throw error;
  } finally {
    for (const client of clients) client.close();
    await bare?.stop();
    await serving?.pulse.stop();
    removeDir(data.dataDir);
  }
}

function servingRatios([main, itemGet, bare]: [TargetFigures, TargetFigures, TargetFigures]): ServingRatios {
  return {
    p50VsBare: medianRatio(main.rounds, bare.rounds, 'p50'),
    p99VsBare: medianRatio(main.rounds, bare.rounds, 'p99'),
    p50VsItemGet: medianRatio(main.rounds, itemGet.rounds, 'p50'),
    p99VsItemGet: medianRatio(main.rounds, itemGet.rounds, 'p99'),
    throughputItemGetVsRoute: medianRatio(itemGet.rounds, main.rounds, 'requestsPerSecond'),
    throughputBareVsRoute: medianRatio(bare.rounds, main.rounds, 'requestsPerSecond'),
    ...(main.serverCpuMsPerRequest !== undefined &&
      itemGet.serverCpuMsPerRequest !== undefined && {
        cpuVsItemGet: main.serverCpuMsPerRequest / itemGet.serverCpuMsPerRequest,
      }),
  };
}

/** Resident memory of Pulse from its Prometheus metrics (prom-client's default process metrics). */
async function serviceRssMb(client: KeepAliveClient): Promise<number | undefined> {
  const answer = await client.get('/metrics');
  if (answer.status !== 200) return undefined;
  const match = /^pulse_process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+?\d+)?)/m.exec(answer.body.toString('utf8'));
  return match ? Math.round(Number(match[1]) / 2 ** 20) : undefined;
}

/**
 * Requests one at a time for `seconds` (at least 5): latency without
 * queueing, the answers' mix, and the body of median size for the bare server.
 */
async function probeRoute(
  client: KeepAliveClient,
  key: string,
  paths: readonly string[],
  seconds: number,
  classify: (body: any) => string,
) {
  const ms: number[] = [];
  const bodies: Buffer[] = [];
  const mix: Record<string, number> = {};
  const deadline = now() + seconds * 1000;
  for (let i = 0; i < 5 || now() < deadline; i++) {
    // From the end of the mix: the warm-up takes it from there too, the measured rounds from the start.
    const path = paths[paths.length - 1 - (i % paths.length)]!;
    const sentAt = now();
    const answer = await client.get(path, key);
    ms.push(now() - sentAt);
    if (answer.status !== 200) {
      throw new Error(`GET ${path} answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 500)}`);
    }
    bodies.push(answer.body);
    const label = classify(JSON.parse(answer.body.toString('utf8')));
    mix[label] = (mix[label] ?? 0) + 1;
  }
  const bySize = [...bodies].sort((a, b) => a.length - b.length);
  return { latencyMs: summarise(ms), medianBody: bySize[bySize.length >> 1]!, mix };
}
