import { randomBytes } from 'node:crypto';
import { now, progress, type PulseChild, sleep, startPulse } from './bench-support';
import { KeepAliveClient, okJson } from './keep-alive-client';

/**
 * Starting Pulse on a data directory written straight into the store, and
 * waiting until it serves fresh answers: every serving projection's
 * checkpoint at the head that was written, and the search index loaded.
 *
 * Progress comes from GET /v1/admin/projections, polled gently: the listing
 * counts each projection's lag over the log (a synchronous SQLite count over
 * millions of rows while far behind), which is CPU taken from the catch-up
 * itself. So the next poll waits long enough that answering us costs the
 * service at most a small share of its time (`maxOverhead`), and no longer
 * than half the estimated time left, so the end is noticed promptly.
 */

// ---- pure parts (catch-up.spec.ts) --------------------------------------------------------

export interface ProjectionRow {
  readonly name: string;
  readonly role?: string;
  readonly state: string;
  readonly checkpoint: string | null;
  readonly failure?: { readonly position: string; readonly error: string };
}

export interface ProjectionListing {
  readonly head: string;
  readonly projections: readonly ProjectionRow[];
}

export type CatchUpState =
  | { readonly kind: 'failed'; readonly name: string; readonly detail: string }
  | { readonly kind: 'behind'; readonly slowest: string; readonly position: bigint }
  | { readonly kind: 'caught_up' };

/** Where the serving projections stand against `target` (the head written before Pulse started). */
export function assessListing(listing: ProjectionListing, target: bigint): CatchUpState {
  const serving = listing.projections.filter((p) => (p.role ?? 'serving') === 'serving');
  if (serving.length === 0) throw new Error('GET /v1/admin/projections listed no serving projection');
  const failed = serving.find((p) => p.state === 'failed');
  if (failed) {
    const f = failed.failure;
    return {
      kind: 'failed',
      name: failed.name,
      detail: f ? `at position ${f.position}: ${f.error}` : 'no failure detail given',
    };
  }
  const at = (p: ProjectionRow) => (p.checkpoint === null ? -1n : BigInt(p.checkpoint));
  const slowest = serving.reduce((a, b) => (at(a) <= at(b) ? a : b));
  return at(slowest) >= target
    ? { kind: 'caught_up' }
    : { kind: 'behind', slowest: slowest.name, position: at(slowest) };
}

export interface Observation {
  readonly atMs: number;
  readonly position: bigint;
}

/** Time left at the rate between two observations; undefined without progress. */
export function estimateRemainingMs(
  earlier: Observation,
  later: Observation,
  target: bigint,
): number | undefined {
  const elapsed = later.atMs - earlier.atMs;
  const advanced = Number(later.position - earlier.position);
  if (elapsed <= 0 || advanced <= 0) return undefined;
  return (Number(target - later.position) * elapsed) / advanced;
}

export interface PollPace {
  readonly minMs: number;
  readonly maxMs: number;
  /** Share of the service's time the polls may take: a listing that took t ms waits t / share. */
  readonly maxOverhead: number;
  /** The wait while nothing is known about the rate yet. */
  readonly unknownMs: number;
}

export const GENTLE: PollPace = { minMs: 1000, maxMs: 30_000, maxOverhead: 0.05, unknownMs: 5000 };

/**
 * The wait before the next listing: half the estimated time left, within
 * [minMs, maxMs], but never so soon that the polls exceed their share of the
 * service's time. That floor may stretch the wait to 2·maxMs, no further:
 * the time a listing takes to answer includes queueing behind a catch-up
 * batch, so on a busy machine it overstates what the listing costs.
 */
export function nextPollDelayMs(
  lastCallMs: number,
  remainingMs: number | undefined,
  pace: PollPace = GENTLE,
): number {
  const wanted = remainingMs === undefined ? pace.unknownMs : remainingMs / 2;
  const bounded = Math.min(pace.maxMs, Math.max(pace.minMs, wanted));
  const floor = Math.min(2 * pace.maxMs, lastCallMs / pace.maxOverhead);
  return Math.max(bounded, floor);
}

// ---- the service, caught up ------------------------------------------------------------------

export interface ServingKeys {
  readonly read: string;
  readonly admin: string;
}

export interface ServingPulse {
  readonly pulse: PulseChild;
  readonly keys: ServingKeys;
  /** Start of the process → listening. */
  readonly listenSeconds: number;
  /** Start of the process → every checkpoint at the head and the search index answering. */
  readonly readySeconds: number;
  /** CPU Pulse used until then (Linux): the catch-up's cost, steadier than its wall time on a shared machine. */
  readonly readyCpuSeconds?: number;
  /** Listings asked while waiting, and the milliseconds they took all told. */
  readonly polls: { readonly count: number; readonly totalMs: number };
}

export async function startCaughtUp(
  dataDir: string,
  expectedHead: bigint,
  options: { timeoutMs: number; env?: Readonly<Record<string, string>> },
): Promise<ServingPulse> {
  const keys: ServingKeys = {
    read: randomBytes(18).toString('base64url'),
    admin: randomBytes(18).toString('base64url'),
  };
  const started = now();
  const deadline = started + options.timeoutMs;
  const pulse = await startPulse(
    dataDir,
    { PULSE_READ_KEY: keys.read, PULSE_ADMIN_KEY: keys.admin, ...options.env },
    options.timeoutMs,
  );
  const client = new KeepAliveClient(pulse.baseUrl, 1);
  try {
    const listenSeconds = (now() - started) / 1000;
    progress(`  Pulse listening after ${listenSeconds.toFixed(1)} s; waiting for position ${expectedHead}`);
    const polls = await waitForProjections(pulse, client, keys, expectedHead, started, deadline);
    await waitForSearchIndex(pulse, client, keys, deadline);
    const readySeconds = (now() - started) / 1000;
    const cpuMs = pulse.cpuMs();
    progress(
      `  caught up after ${readySeconds.toFixed(1)} s` +
        (cpuMs === undefined ? '' : ` (${(cpuMs / 1000).toFixed(0)} s of Pulse CPU)`) +
        `; ${polls.count} listings asked, ${polls.totalMs.toFixed(0)} ms in all`,
    );
    return {
      pulse,
      keys,
      listenSeconds,
      readySeconds,
      ...(cpuMs !== undefined && { readyCpuSeconds: cpuMs / 1000 }),
      polls,
    };
  } catch (error) {
    await pulse.stop();
    throw error;
  } finally {
    client.close();
  }
}

function checkAlive(pulse: PulseChild, deadline: number): void {
  if (!pulse.isAlive()) throw new Error(`Pulse exited while catching up. Its output:\n${pulse.outputTail()}`);
  if (now() > deadline) throw new Error('Pulse did not catch up in time (raise the catch-up timeout)');
}

async function waitForProjections(
  pulse: PulseChild,
  client: KeepAliveClient,
  keys: ServingKeys,
  target: bigint,
  started: number,
  deadline: number,
): Promise<{ count: number; totalMs: number }> {
  let count = 0;
  let totalMs = 0;
  let first: Observation | undefined;
  let lastReport = 0;
  for (;;) {
    checkAlive(pulse, deadline);
    const sentAt = now();
    const listing = okJson<ProjectionListing>(
      await client.get('/v1/admin/projections', keys.admin),
      'GET /v1/admin/projections',
    );
    const callMs = now() - sentAt;
    count++;
    totalMs += callMs;
    const state = assessListing(listing, target);
    if (state.kind === 'failed') throw new Error(`projection ${state.name} failed ${state.detail}`);
    if (state.kind === 'caught_up') return { count, totalMs };
    const seen: Observation = { atMs: now(), position: state.position };
    // The rate since the first look: steadier than between two polls, and catch-up speed hardly changes.
    const remainingMs = first ? estimateRemainingMs(first, seen, target) : undefined;
    first ??= seen;
    if (now() - lastReport >= 15_000) {
      lastReport = now();
      const pct = (100 * Number(state.position)) / Number(target);
      progress(
        `  catching up: slowest ${state.slowest} at ${state.position}/${target} (${pct.toFixed(0)}%, ` +
          `${((now() - started) / 1000).toFixed(0)} s` +
          (remainingMs === undefined ? '' : `, ~${(remainingMs / 60_000).toFixed(1)} min left`) +
          `; the listing took ${callMs.toFixed(0)} ms)`,
      );
    }
    await sleep(nextPollDelayMs(callMs, remainingMs));
  }
}

/** The search index loads the catalog after start; until then search answers 503. */
async function waitForSearchIndex(
  pulse: PulseChild,
  client: KeepAliveClient,
  keys: ServingKeys,
  deadline: number,
): Promise<void> {
  let lastReport = now();
  for (;;) {
    checkAlive(pulse, deadline);
    const answer = await client.get('/v1/search?q=a&limit=1', keys.read);
    if (answer.status === 200) return;
    if (answer.status !== 503) okJson(answer, 'GET /v1/search');
    if (now() - lastReport >= 15_000) {
      lastReport = now();
      progress(`  search not ready yet: ${answer.body.toString("utf8").slice(0, 300)}`);
    }
    await sleep(1000);
  }
}
