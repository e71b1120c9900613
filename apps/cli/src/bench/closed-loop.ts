import { type LatencySummary, now, progress, summarise } from './bench-support';
import type { HttpAnswer, KeepAliveClient } from './keep-alive-client';
import { median, medianOfRounds, type RoundFigures } from './serving-stats';

/** Closed-loop load at a fixed concurrency, and several routes measured side by side in alternating rounds. */

export interface LoadSample {
  readonly ms: number;
  readonly status: number;
  readonly bytes: number;
}

export interface LoopRun {
  readonly samples: LoadSample[];
  readonly seconds: number;
  /** A few bodies of non-200 answers, to say what went wrong. */
  readonly errorBodies: string[];
}

/**
 * `concurrency` workers, each sending its next request as soon as the last
 * one is answered, until `seconds` have passed (requests in flight then are
 * finished and counted). Request `i` is `send(i)`, `i` counting across workers.
 */
export async function closedLoop(
  send: (i: number) => Promise<HttpAnswer>,
  concurrency: number,
  seconds: number,
): Promise<LoopRun> {
  const samples: LoadSample[] = [];
  const errorBodies: string[] = [];
  let next = 0;
  const start = now();
  const deadline = start + seconds * 1000;
  const worker = async () => {
    while (now() < deadline) {
      const i = next++;
      const sentAt = now();
      const answer = await send(i);
      samples.push({ ms: now() - sentAt, status: answer.status, bytes: answer.body.length });
      if (answer.status !== 200 && errorBodies.length < 5)
        errorBodies.push(`${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { samples, seconds: (now() - start) / 1000, errorBodies };
}

/** One route under load: how to request it and which process answers it. */
export interface Target {
  readonly name: string;
  readonly description: string;
  readonly client: KeepAliveClient;
  readonly key?: string;
  readonly path: (i: number) => string;
  /** CPU of the process serving it. */
  readonly cpuMs: () => number | undefined;
}

export interface TargetFigures {
  readonly name: string;
  readonly description: string;
  /** Each round's p50, p99 and requests/s, in order: how steady the figures were. */
  readonly rounds: RoundFigures[];
  /** The headline: the median of each figure over the rounds. */
  readonly median: RoundFigures;
  /** Every request of every round pooled (max is the worst seen). */
  readonly pooled: LatencySummary & { readonly requests: number; readonly seconds: number };
  readonly non200: number;
  readonly errorSamples: string[];
  readonly medianBytes: number;
  /** CPU of the serving process per request (Linux). */
  readonly serverCpuMsPerRequest?: number;
  /** Cores the load generator (this process) used meanwhile. */
  readonly clientCpuCores: number;
}

/**
 * Measures the targets side by side: after one unmeasured warm-up each,
 * `rounds` rounds, each giving every target `roundSeconds` of closed-loop load
 * in turn, so a change in the machine's load spreads over all of them
 * instead of landing on one.
 */
export async function measureSideBySide(
  targets: readonly Target[],
  options: { concurrency: number; roundSeconds: number; warmupSeconds: number; rounds: number },
): Promise<TargetFigures[]> {
  const acc = targets.map(() => ({
    samples: [] as LoadSample[],
    seconds: 0,
    cpuMs: 0 as number | undefined,
    clientMicros: 0,
    rounds: [] as RoundFigures[],
    errors: [] as string[],
  }));
  for (const t of targets) {
    progress(`  warm-up ${t.name}: ${options.warmupSeconds} s at concurrency ${options.concurrency}`);
    // From the far end of the request mix: the measured rounds start at its beginning.
    await closedLoop((i) => t.client.get(t.path(-1 - i), t.key), options.concurrency, options.warmupSeconds);
  }
  for (let round = 1; round <= options.rounds; round++) {
    progress(`  round ${round}/${options.rounds}: ${targets.map((t) => t.name).join(', ')}, ${options.roundSeconds} s each`);
    for (const [k, t] of targets.entries()) {
      const a = acc[k]!;
      const offset = a.samples.length;
      const cpuBefore = t.cpuMs();
      const clientBefore = process.cpuUsage();
      const loop = await closedLoop((i) => t.client.get(t.path(offset + i), t.key), options.concurrency, options.roundSeconds);
      const client = process.cpuUsage(clientBefore);
      const cpuAfter = t.cpuMs();
      for (const sample of loop.samples) a.samples.push(sample); // a spread overflows the stack past ~100k samples
      a.seconds += loop.seconds;
      a.clientMicros += client.user + client.system;
      a.cpuMs = a.cpuMs === undefined || cpuBefore === undefined || cpuAfter === undefined ? undefined : a.cpuMs + (cpuAfter - cpuBefore);
      const latency = summarise(loop.samples.map((s) => s.ms));
      a.rounds.push({ p50: latency.p50, p99: latency.p99, requestsPerSecond: loop.samples.length / loop.seconds });
      a.errors.push(...loop.errorBodies.slice(0, Math.max(0, 5 - a.errors.length)));
    }
  }
  return targets.map((t, k) => {
    const a = acc[k]!;
    const requests = a.samples.length;
    return {
      name: t.name,
      description: t.description,
      rounds: a.rounds,
      median: medianOfRounds(a.rounds),
      pooled: { ...summarise(a.samples.map((s) => s.ms)), requests, seconds: a.seconds },
      non200: a.samples.filter((s) => s.status !== 200).length,
      errorSamples: a.errors,
      medianBytes: median(a.samples.map((s) => s.bytes)),
      ...(a.cpuMs !== undefined && requests > 0 && { serverCpuMsPerRequest: a.cpuMs / requests }),
      clientCpuCores: a.clientMicros / 1000 / (a.seconds * 1000),
    };
  });
}
