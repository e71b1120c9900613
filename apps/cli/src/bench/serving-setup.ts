import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SeededRandom } from '@pulse/testing/synthetic/shop/random';
import { startAtFor, SyntheticShop } from '@pulse/testing/synthetic/shop/synthetic-shop';
import { writeDirect } from '@pulse/testing/synthetic/write-direct';
import {
  fmt,
  formatTable,
  type LatencySummary,
  machineInfo,
  type MachineInfo,
  makeTempDir,
  now,
  processCpuMs,
  progress,
  type PulseChild,
  removeDir,
  sleep,
  startPulse,
  summarise,
} from './bench-support';

/**
 * What `pulse bench recommend`, `bench search` and `bench ctr` share: a
 * synthetic shop with history written straight into a data directory, Pulse
 * started on it and waited for until its read models and search index have
 * caught up, a light keep-alive HTTP client, closed-loop load at a fixed
 * concurrency, and a bare HTTP server (a child process returning a fixed JSON
 * body) as the floor any route can be compared with.
 */

// ---- pure helpers (serving-setup.spec.ts) ----------------------------------------------

/** Median of any numbers (mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `10000,100000`, `10k,100k` or `1e5` → whole numbers > 0, in the order given. */
export function parseSizes(text: string): number[] {
  const sizes = text.split(',').map((part) => {
    const trimmed = part.trim().toLowerCase().replace(/_/g, '');
    const match = /^(\d+(?:\.\d+)?(?:e\d+)?)(k|m)?$/.exec(trimmed);
    const n = match
      ? Number(match[1]) * (match[2] === 'k' ? 1e3 : match[2] === 'm' ? 1e6 : 1)
      : NaN;
    if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`not a catalog size: '${part}'`);
    return n;
  });
  if (sizes.length === 0) throw new RangeError('no catalog size given');
  return sizes;
}

/** Wilson score interval of a binomial proportion (95% by default). */
export function wilsonInterval(successes: number, trials: number, z = 1.96): [number, number] {
  if (trials <= 0) return [Number.NaN, Number.NaN];
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half =
    (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** One served list, for CTR statistics: what it showed and what came of it. */
export interface ListOutcome {
  readonly impressions: number;
  readonly clicks: number;
}

export interface BootstrapCtr {
  readonly ctr: number;
  /** 95% percentile interval. */
  readonly ci: [number, number];
}

/**
 * Cluster bootstrap of CTR = Σclicks / Σimpressions over served lists: lists
 * are resampled whole, because clicks within one list are not independent
 * (one shopper, one mood), which a binomial interval over impressions ignores.
 * Returns both arms' intervals and the interval of the ratio a/b, from the
 * same resamples; with `b` empty, only `a`'s interval means anything.
 */
export function bootstrapCtr(
  a: readonly ListOutcome[],
  b: readonly ListOutcome[],
  resamples: number,
  random: { next(): number },
): { a: BootstrapCtr; b: BootstrapCtr; ratio: BootstrapCtr } {
  const ctrOf = (lists: readonly ListOutcome[]) => {
    let clicks = 0;
    let impressions = 0;
    for (const l of lists) {
      clicks += l.clicks;
      impressions += l.impressions;
    }
    return impressions > 0 ? clicks / impressions : Number.NaN;
  };
  const resampleCtr = (lists: readonly ListOutcome[]) => {
    let clicks = 0;
    let impressions = 0;
    for (let i = 0; i < lists.length; i++) {
      const l = lists[Math.floor(random.next() * lists.length)]!;
      clicks += l.clicks;
      impressions += l.impressions;
    }
    return impressions > 0 ? clicks / impressions : Number.NaN;
  };
  const as: number[] = [];
  const bs: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const x = resampleCtr(a);
    const y = resampleCtr(b);
    as.push(x);
    bs.push(y);
    ratios.push(x / y);
  }
  const interval = (values: number[]): [number, number] => {
    const finite = values.filter(Number.isFinite).sort((p, q) => p - q);
    if (finite.length === 0) return [Number.NaN, Number.NaN];
    const at = (q: number) => finite[Math.min(finite.length - 1, Math.floor(q * finite.length))]!;
    return [at(0.025), at(0.975)];
  };
  const ctrA = ctrOf(a);
  const ctrB = ctrOf(b);
  return {
    a: { ctr: ctrA, ci: interval(as) },
    b: { ctr: ctrB, ci: interval(bs) },
    ratio: { ctr: ctrA / ctrB, ci: interval(ratios) },
  };
}

/**
 * A typing slip in one word (a letter dropped, doubled, swapped with the
 * next, or replaced by a keyboard neighbour), as shoppers make them. Words
 * shorter than 5 characters and non-Latin words are returned unchanged:
 * Pulse corrects Latin spellings only, and short words have too many
 * legitimate neighbours to be corrected with confidence.
 */
export function withTypo(word: string, random: { next(): number }): string {
  if (word.length < 5 || !/^[a-z]+$/i.test(word)) return word;
  const int = (n: number) => Math.floor(random.next() * n);
  // Not the first letter: people rarely get it wrong, and spell checkers lean on it.
  const at = 1 + int(word.length - 2);
  switch (int(4)) {
    case 0:
      return word.slice(0, at) + word.slice(at + 1);
    case 1:
      return word.slice(0, at) + word[at] + word.slice(at);
    case 2:
      return word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
    default: {
      const near = KEY_NEIGHBOURS[word[at]!.toLowerCase()] ?? 'e';
      return word.slice(0, at) + near[int(near.length)] + word.slice(at + 1);
    }
  }
}

const KEY_NEIGHBOURS: Readonly<Record<string, string>> = {
  a: 'sqz',
  b: 'vn',
  c: 'xv',
  d: 'sf',
  e: 'wr',
  f: 'dg',
  g: 'fh',
  h: 'gj',
  i: 'uo',
  j: 'hk',
  k: 'jl',
  l: 'k',
  m: 'n',
  n: 'bm',
  o: 'ip',
  p: 'o',
  q: 'w',
  r: 'et',
  s: 'ad',
  t: 'ry',
  u: 'yi',
  v: 'cb',
  w: 'qe',
  x: 'zc',
  y: 'tu',
  z: 'x',
};

// ---- the shop and its data directory ---------------------------------------------------

export interface ServingShopOptions {
  readonly items: number;
  /** Interaction events written per catalog item, on average. */
  readonly eventsPerItem: number;
  readonly seed: number;
  /** Registered shoppers; default the shop's (half the catalog, at least 500). */
  readonly shoppers?: number;
}

export interface PreparedShop {
  readonly shop: SyntheticShop;
  readonly dataDir: string;
  readonly interactions: number;
  readonly storedEvents: number;
  readonly head: bigint;
  readonly writeSeconds: number;
  readonly historyFrom: string;
  readonly historyTo: string;
}

/** Interaction events of the history for these options. */
export const historyEvents = (o: ServingShopOptions) => Math.round(o.items * o.eventsPerItem);

export function shopFor(o: ServingShopOptions, startAt: number): SyntheticShop {
  return new SyntheticShop({
    seed: o.seed,
    items: o.items,
    ...(o.shoppers !== undefined && { shoppers: o.shoppers }),
    startAt,
  });
}

/**
 * A fresh data directory holding the shop's catalog and history, written
 * straight into the event store. The history ends about ten minutes before
 * now: Pulse decays interest and popularity towards the present, so an old
 * history would look like a dead shop, and one reaching into the future would
 * be refused. The shop is returned positioned after the history, so a caller
 * can continue its traffic live.
 */
export async function prepareShop(o: ServingShopOptions, dataDir?: string): Promise<PreparedShop> {
  const events = historyEvents(o);
  // 5% more than asked: visits vary in length, and the history must not run past now.
  const startAt = startAtFor(events * 1.05, Date.now() - 10 * 60_000);
  const shop = shopFor(o, startAt);
  const dir = dataDir ?? makeTempDir(`serving-${o.items}`);
  progress(
    `writing a synthetic shop into ${dir}: ${o.items} items, ${events} interactions (seed ${o.seed})`,
  );
  let lastReport = now();
  const summary = await writeDirect(dir, shop, {
    events,
    onProgress: ({ interactions }) => {
      if (now() - lastReport < 10_000) return;
      lastReport = now();
      progress(`  ... ${interactions}/${events} interactions written`);
    },
  });
  progress(
    `  wrote ${summary.totalEvents} events in ${(summary.elapsedMs / 1000).toFixed(1)} s (${Math.round(summary.eventsPerSecond)} events/s)`,
  );
  return {
    shop,
    dataDir: dir,
    interactions: summary.interactions,
    storedEvents: summary.totalEvents,
    head: summary.head,
    writeSeconds: summary.elapsedMs / 1000,
    historyFrom: summary.from.toISOString(),
    historyTo: summary.to.toISOString(),
  };
}

// ---- Pulse, caught up ---------------------------------------------------------------------

export interface ServingKeys {
  readonly read: string;
  readonly admin: string;
}

export const newKeys = (): ServingKeys => ({
  read: randomBytes(18).toString('base64url'),
  admin: randomBytes(18).toString('base64url'),
});

export interface ServingPulse {
  readonly pulse: PulseChild;
  readonly keys: ServingKeys;
  /** Start of the process → listening (Pulse listens only once its projections are nearly caught up). */
  readonly listenSeconds: number;
  /** Start of the process → every checkpoint at the head and the search index answering. */
  readonly readySeconds: number;
  /** CPU Pulse used until then (Linux): the catch-up's cost, steadier than its wall time on a shared machine. */
  readonly readyCpuSeconds?: number;
  readonly head: string;
}

/**
 * Starts Pulse on `dataDir` and waits until it serves fresh answers: every
 * projection's checkpoint at the log head (GET /v1/admin/projections) and the
 * search index loaded (GET /v1/search answers 200, not 503).
 *
 * Until the read models are near the head it only watches their checkpoints
 * in the read-model database file, without asking Pulse: the admin listing
 * counts every projection's lag over the log, which costs the service seconds
 * of CPU per call while it is millions of events behind, and a poll every
 * second made a catch-up several times slower.
 */
export async function startCaughtUp(
  dataDir: string,
  expectedHead: bigint,
  options: { timeoutMs: number; env?: Readonly<Record<string, string>> },
): Promise<ServingPulse> {
  const keys = newKeys();
  const started = now();
  const deadline = started + options.timeoutMs;
  const stopWatching = watchCheckpoints(dataDir, expectedHead, started);
  let pulse: PulseChild | undefined;
  try {
    pulse = await startPulse(
      dataDir,
      { PULSE_READ_KEY: keys.read, PULSE_ADMIN_KEY: keys.admin, ...options.env },
      options.timeoutMs,
    );
    const listenSeconds = (now() - started) / 1000;
    progress(`  Pulse listening after ${listenSeconds.toFixed(1)} s`);
    await waitForCheckpoints(dataDir, expectedHead, pulse, deadline);
    const head = await waitUntilServing(pulse, keys, deadline);
    const readySeconds = (now() - started) / 1000;
    const cpuMs = pulse.cpuMs();
    const readyCpuSeconds = cpuMs === undefined ? undefined : cpuMs / 1000;
    progress(
      `  caught up at position ${head} after ${readySeconds.toFixed(1)} s` +
        (readyCpuSeconds === undefined ? '' : ` (${readyCpuSeconds.toFixed(0)} s of Pulse CPU)`),
    );
    return { pulse, keys, listenSeconds, readySeconds, readyCpuSeconds, head };
  } catch (error) {
    await pulse?.stop();
    throw error;
  } finally {
    stopWatching();
  }
}

interface ProjectionRow {
  name: string;
  state: string;
  checkpoint: string | null;
}

/** Polls until every projection is at the head and search answers; returns the head. */
export async function waitUntilServing(
  pulse: PulseChild,
  keys: ServingKeys,
  deadline: number,
): Promise<string> {
  const client = new KeepAliveClient(pulse.baseUrl, 1);
  try {
    let projectionsAt: string | undefined;
    for (;;) {
      if (!pulse.isAlive())
        throw new Error(`Pulse exited while catching up. Its output:\n${pulse.outputTail()}`);
      if (now() > deadline) throw new Error('Pulse did not catch up in time');
      if (projectionsAt === undefined) {
        const listing = await client.get('/v1/admin/projections', keys.admin);
        if (listing.status !== 200)
          throw new Error(`GET /v1/admin/projections answered ${listing.status}`);
        const body = JSON.parse(listing.body.toString('utf8')) as {
          head: string;
          projections: ProjectionRow[];
        };
        const failed = body.projections.find((p) => p.state === 'failed');
        if (failed)
          throw new Error(
            `projection ${failed.name} failed: ${listing.body.toString('utf8').slice(0, 800)}`,
          );
        const behind = body.projections.filter(
          (p) => p.checkpoint === null || BigInt(p.checkpoint) < BigInt(body.head),
        );
        if (behind.length === 0) projectionsAt = body.head;
      }
      if (projectionsAt !== undefined) {
        const search = await client.get('/v1/search?q=a&limit=1', keys.read);
        if (search.status === 200) return projectionsAt;
        if (search.status !== 503)
          throw new Error(
            `GET /v1/search answered ${search.status}: ${search.body.toString('utf8').slice(0, 300)}`,
          );
      }
      await sleep(1000);
    }
  } finally {
    client.close();
  }
}

/**
 * The slowest projection checkpoint in the read-model database, read-only;
 * undefined while the database or its checkpoints don't exist yet. Reads the
 * SQLite document store's own table: good enough to wait and show progress,
 * and the admin API confirms afterwards.
 */
function slowestCheckpoint(dataDir: string): { name: string; position: bigint } | undefined {
  const file = join(dataDir, 'read-models.db');
  if (!existsSync(file)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db
      .prepare('SELECT name, position FROM docstore_checkpoints')
      .safeIntegers()
      .all() as { name: string; position: bigint }[];
    if (rows.length === 0) return undefined;
    const slowest = rows.reduce((a, b) => (a.position <= b.position ? a : b));
    return { name: slowest.name.replace(/^projection:/, ''), position: slowest.position };
  } catch {
    return undefined; // mid-creation, or locked for a moment
  } finally {
    db?.close();
  }
}

/** Waits until the slowest checkpoint in the file reaches `head` (gives up on the file after 2 min without one). */
async function waitForCheckpoints(
  dataDir: string,
  head: bigint,
  pulse: PulseChild,
  deadline: number,
): Promise<void> {
  const since = now();
  for (;;) {
    if (!pulse.isAlive())
      throw new Error(`Pulse exited while catching up. Its output:\n${pulse.outputTail()}`);
    if (now() > deadline) throw new Error('Pulse did not catch up in time');
    const slowest = slowestCheckpoint(dataDir);
    if (slowest && slowest.position >= head) return;
    if (!slowest && now() - since > 120_000) return;
    await sleep(2000);
  }
}

/** A progress line every 15 s while Pulse catches up. */
function watchCheckpoints(dataDir: string, head: bigint, started: number): () => void {
  const timer = setInterval(() => {
    const slowest = slowestCheckpoint(dataDir);
    if (!slowest) return;
    const seconds = (now() - started) / 1000;
    const position = Number(slowest.position);
    progress(
      `  catching up: slowest ${slowest.name} at ${position}/${head} (${((100 * position) / Number(head)).toFixed(0)}%, ` +
        `${seconds.toFixed(0)} s, ${Math.round(position / seconds)} events/s on average)`,
    );
  }, 15_000);
  return () => clearInterval(timer);
}

// ---- a cached prepared data directory --------------------------------------------------

interface CacheMeta {
  readonly options: ServingShopOptions;
  readonly builtAt: number;
  readonly head: string;
  readonly interactions: number;
  readonly storedEvents: number;
  readonly writeSeconds: number;
  readonly readySeconds: number;
  readonly readyCpuSeconds?: number;
  readonly historyFrom: string;
  readonly historyTo: string;
  readonly returningShopperIds: readonly string[];
  readonly startAt: number;
}

/** A cache older than this is rebuilt: decayed popularity and trending would no longer look like a live shop. */
const CACHE_MAX_AGE_MS = 12 * 3_600_000;
const DB_FILES = ['events.db', 'read-models.db'];

export interface ServingDataDir {
  /** A private copy: the benchmark appends to it (served-response events). */
  readonly dataDir: string;
  readonly head: bigint;
  readonly interactions: number;
  readonly storedEvents: number;
  readonly writeSeconds: number;
  /** Pulse start to caught up, on the freshly written log (0 when not yet known: the caller's Pulse does it). */
  readonly catchUpSeconds: number;
  readonly catchUpCpuSeconds?: number;
  readonly historyFrom: string;
  readonly historyTo: string;
  /** Reused from an earlier run's cache. */
  readonly fromCache: boolean;
  /** The read models are built already (a cache, reused or built just now): catchUpSeconds says how long that took. */
  readonly builtAlready: boolean;
  /** The shop as of its start (catalog and shopper preferences; traffic not replayed). */
  readonly shop: SyntheticShop;
  /** Registered shoppers with history, most active first. */
  readonly returningShopperIds: readonly string[];
}

/**
 * A data directory with the shop written and its read models built. Without
 * `cacheDir` it is written afresh (and Pulse catches up when the caller
 * starts it). With `cacheDir`, a directory built earlier for the same options
 * (less than 12 h ago) is copied, read models included, so a second run skips
 * both the write and the catch-up; otherwise it is built there first.
 */
export async function servingDataDir(
  o: ServingShopOptions,
  cacheDir: string | undefined,
  catchUpTimeoutMs: number,
): Promise<ServingDataDir> {
  if (cacheDir === undefined) {
    const prepared = await prepareShop(o);
    return {
      dataDir: prepared.dataDir,
      head: prepared.head,
      interactions: prepared.interactions,
      storedEvents: prepared.storedEvents,
      writeSeconds: prepared.writeSeconds,
      catchUpSeconds: 0,
      historyFrom: prepared.historyFrom,
      historyTo: prepared.historyTo,
      fromCache: false,
      builtAlready: false,
      shop: prepared.shop,
      returningShopperIds: prepared.shop.returningShopperIds(),
    };
  }
  const key = `serving-i${o.items}-e${o.eventsPerItem}-s${o.seed}${o.shoppers !== undefined ? `-sh${o.shoppers}` : ''}`;
  const cached = join(cacheDir, key);
  const metaFile = join(cached, 'meta.json');
  let meta: CacheMeta | undefined;
  let fromCache = false;
  if (existsSync(metaFile)) {
    const found = JSON.parse(readFileSync(metaFile, 'utf8')) as CacheMeta;
    if (
      Date.now() - found.builtAt < CACHE_MAX_AGE_MS &&
      DB_FILES.every((f) => existsSync(join(cached, f)))
    ) {
      meta = found;
      fromCache = true;
      progress(
        `reusing ${cached} (built ${Math.round((Date.now() - found.builtAt) / 60_000)} min ago)`,
      );
    }
  }
  if (!meta) {
    removeDir(cached);
    mkdirSync(cached, { recursive: true });
    const prepared = await prepareShop(o, cached);
    progress('starting Pulse once on it to build the read models (kept in the cache)');
    const serving = await startCaughtUp(cached, prepared.head, { timeoutMs: catchUpTimeoutMs });
    await serving.pulse.stop(60_000);
    meta = {
      options: o,
      builtAt: Date.now(),
      head: serving.head,
      interactions: prepared.interactions,
      storedEvents: prepared.storedEvents,
      writeSeconds: prepared.writeSeconds,
      readySeconds: serving.readySeconds,
      ...(serving.readyCpuSeconds !== undefined && { readyCpuSeconds: serving.readyCpuSeconds }),
      historyFrom: prepared.historyFrom,
      historyTo: prepared.historyTo,
      returningShopperIds: prepared.shop.returningShopperIds(),
      startAt: prepared.shop.startAt,
    };
    writeFileSync(metaFile, JSON.stringify(meta));
  }
  const dataDir = makeTempDir(`serving-${o.items}`);
  // With their write-ahead logs, should a stop have left one: a main file alone may miss commits.
  for (const file of DB_FILES.flatMap((f) => [f, `${f}-wal`])) {
    if (existsSync(join(cached, file))) copyFileSync(join(cached, file), join(dataDir, file));
  }
  return {
    dataDir,
    head: BigInt(meta.head),
    interactions: meta.interactions,
    storedEvents: meta.storedEvents,
    writeSeconds: meta.writeSeconds,
    catchUpSeconds: meta.readySeconds,
    ...(meta.readyCpuSeconds !== undefined && { catchUpCpuSeconds: meta.readyCpuSeconds }),
    historyFrom: meta.historyFrom,
    historyTo: meta.historyTo,
    fromCache,
    builtAlready: true,
    shop: shopFor(o, meta.startAt),
    returningShopperIds: meta.returningShopperIds,
  };
}

// ---- HTTP ---------------------------------------------------------------------------------

export interface HttpAnswer {
  readonly status: number;
  readonly body: Buffer;
}

/**
 * GET and POST over node:http with a keep-alive agent of `sockets`
 * connections. Lighter on the CPU than fetch, which matters when the load
 * generator shares two cores with the service it measures.
 */
export class KeepAliveClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, sockets: number) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  get(path: string, key?: string): Promise<HttpAnswer> {
    return this.send('GET', path, key);
  }

  post(path: string, key: string, body: unknown): Promise<HttpAnswer> {
    return this.send('POST', path, key, Buffer.from(JSON.stringify(body)));
  }

  /** Any method; `body` is sent as JSON when given. */
  request(method: string, path: string, key: string, body?: unknown): Promise<HttpAnswer> {
    return this.send(
      method,
      path,
      key,
      body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
    );
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, key?: string, payload?: Buffer): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = {};
      if (key) headers.authorization = `Bearer ${key}`;
      if (payload) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = payload.length;
      }
      const req = httpRequest(
        { host: this.host, port: this.port, method, path, agent: this.agent, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', (error) =>
        reject(new Error(`${method} ${path} failed: ${error.message}`, { cause: error })),
      );
      req.end(payload);
    });
  }
}

// ---- closed-loop load ---------------------------------------------------------------------

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
      const ms = now() - sentAt;
      samples.push({ ms, status: answer.status, bytes: answer.body.length });
      if (answer.status !== 200 && errorBodies.length < 5)
        errorBodies.push(`${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { samples, seconds: (now() - start) / 1000, errorBodies };
}

// ---- processes ----------------------------------------------------------------------------------

export const loadAverage1m = (): number => Number(loadavg()[0]!.toFixed(2));

export interface BareServer {
  readonly baseUrl: string;
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

/**
 * The floor for a JSON GET on this machine: a node:http server in a child
 * process of its own (like Pulse) that answers every request with the same
 * prebuilt body, with keep-alive. No routing, no auth, no serialisation.
 */
const BARE_SERVER_SOURCE = `
const http = require('node:http');
const body = require('node:fs').readFileSync(process.env.BARE_BODY_FILE);
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 120000;
server.listen(0, '127.0.0.1', () => process.stdout.write('bare listening ' + server.address().port + '\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

export async function startBareServer(body: Buffer, dir: string): Promise<BareServer> {
  const file = join(dir, 'bare-body.json');
  writeFileSync(file, body);
  const child: ChildProcess = spawn(process.execPath, ['-e', BARE_SERVER_SOURCE], {
    env: { ...process.env, BARE_BODY_FILE: file },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`bare server did not start: ${output}`)),
      10_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /bare listening (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bare server exited (${code}): ${output}`));
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    cpuMs: () => processCpuMs(child.pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---- side-by-side measurement -------------------------------------------------------------

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
  readonly requests: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: LatencySummary;
  /** p50 of each round, in order: how steady the figure was on a shared machine. */
  readonly roundP50Ms: number[];
  readonly non200: number;
  readonly statuses: Record<string, number>;
  readonly errorSamples: string[];
  readonly medianBytes: number;
  /** CPU of the serving process per request (Linux). */
  readonly serverCpuMsPerRequest?: number;
  /** Cores the load generator (this process) used meanwhile. */
  readonly clientCpuCores: number;
}

/**
 * Measures the targets side by side: `rounds` rounds, each giving every
 * target `seconds / rounds` of closed-loop load in turn (after one unmeasured
 * warm-up per target), so a change in the machine's load spreads over all of
 * them instead of landing on one.
 */
export async function measureSideBySide(
  targets: readonly Target[],
  options: { concurrency: number; seconds: number; warmupSeconds: number; rounds: number },
): Promise<TargetFigures[]> {
  const acc = targets.map(() => ({
    samples: [] as LoadSample[],
    seconds: 0,
    cpuMs: 0 as number | undefined,
    clientMicros: 0,
    roundP50: [] as number[],
    errors: [] as string[],
  }));
  for (const t of targets) {
    progress(
      `  warm-up ${t.name}: ${options.warmupSeconds} s at concurrency ${options.concurrency}`,
    );
    // From the far end of the request mix: the measured rounds start at its beginning.
    await closedLoop(
      (i) => t.client.get(t.path(-1 - i), t.key),
      options.concurrency,
      options.warmupSeconds,
    );
  }
  const slice = options.seconds / options.rounds;
  for (let round = 1; round <= options.rounds; round++) {
    for (const [k, t] of targets.entries()) {
      progress(`  round ${round}/${options.rounds}: ${t.name} for ${slice.toFixed(1)} s`);
      const offset = acc[k]!.samples.length;
      const cpuBefore = t.cpuMs();
      const clientBefore = process.cpuUsage();
      const loop = await closedLoop(
        (i) => t.client.get(t.path(offset + i), t.key),
        options.concurrency,
        slice,
      );
      const client = process.cpuUsage(clientBefore);
      const cpuAfter = t.cpuMs();
      const a = acc[k]!;
      a.samples.push(...loop.samples);
      a.seconds += loop.seconds;
      a.clientMicros += client.user + client.system;
      a.cpuMs =
        a.cpuMs === undefined || cpuBefore === undefined || cpuAfter === undefined
          ? undefined
          : a.cpuMs + (cpuAfter - cpuBefore);
      a.roundP50.push(summarise(loop.samples.map((s) => s.ms)).p50);
      a.errors.push(...loop.errorBodies.slice(0, Math.max(0, 5 - a.errors.length)));
    }
  }
  return targets.map((t, k) => {
    const a = acc[k]!;
    const statuses: Record<string, number> = {};
    for (const s of a.samples) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
    const requests = a.samples.length;
    return {
      name: t.name,
      description: t.description,
      requests,
      seconds: a.seconds,
      requestsPerSecond: requests / a.seconds,
      latencyMs: summarise(a.samples.map((s) => s.ms)),
      roundP50Ms: a.roundP50,
      non200: a.samples.filter((s) => s.status !== 200).length,
      statuses,
      errorSamples: a.errors,
      medianBytes: median(a.samples.map((s) => s.bytes)),
      ...(a.cpuMs !== undefined && requests > 0 && { serverCpuMsPerRequest: a.cpuMs / requests }),
      clientCpuCores: a.clientMicros / 1000 / (a.seconds * 1000),
    };
  });
}

// ---- one serving benchmark over catalog sizes ------------------------------------------------

/** `list[i]`, wrapping around both ways: request `i` of an endless mix. */
export const cycle =
  <T>(list: readonly T[]) =>
  (i: number): T =>
    list[((i % list.length) + list.length) % list.length]!;

export interface ServingBenchConfig {
  /** Catalog sizes, each measured on its own shop and Pulse. */
  readonly sizes: readonly number[];
  readonly eventsPerItem: number;
  /** Measured seconds per route (split over the rounds). */
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

export interface ServingSizeResult {
  readonly items: number;
  readonly setup: {
    readonly interactions: number;
    readonly storedEvents: number;
    readonly eventsPerItem: number;
    readonly writeSeconds: number;
    /** The written shop and its read models came from an earlier run (--cache). */
    readonly fromCache: boolean;
    /** On the freshly written log (the cached build's, when reused). */
    readonly catchUpSeconds: number;
    /** Pulse CPU seconds for that catch-up (Linux). */
    readonly catchUpCpuSeconds?: number;
    /** This run's Pulse: start → listening, start → caught up. */
    readonly listenSeconds: number;
    readonly readySeconds: number;
    readonly historyFrom: string;
    readonly historyTo: string;
    readonly returningShoppers: number;
  };
  readonly loadAverage1m: { readonly before: number; readonly after: number };
  /** One request at a time, before the load. */
  readonly unloaded: { readonly requests: number; readonly latencyMs: LatencySummary };
  /** What the probe's answers were (strategies served, etc.). */
  readonly answerMix: Record<string, number>;
  readonly bareBodyBytes: number;
  readonly routes: TargetFigures[];
  readonly ratios: {
    readonly p50VsBare: number;
    readonly p99VsBare: number;
    readonly p50VsItemGet: number;
    readonly p99VsItemGet: number;
    readonly throughputItemGetVsRoute: number;
    readonly cpuVsItemGet?: number;
  };
  /** Pulse's RSS at the end (Linux), MB. */
  readonly serviceRssMb?: number;
}

/** What a benchmark supplies: its route and request mix. */
export interface ServingRoute {
  readonly name: string;
  readonly description: string;
  /** A long list of request paths (with query) over the prepared shop. */
  paths(data: ServingDataDir, random: SeededRandom): string[];
  /** A label of one answer, tallied over the probe (e.g. the strategy served). */
  classify(body: any): string;
}

export async function runServingSize(
  route: ServingRoute,
  items: number,
  config: ServingBenchConfig,
): Promise<ServingSizeResult> {
  const loadBefore = loadAverage1m();
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
    serving = await startCaughtUp(data.dataDir, data.head, {
      timeoutMs: config.catchUpTimeoutS * 1000,
    });
    const { pulse, keys } = serving;
    const random = new SeededRandom(config.seed * 7919 + items);
    const routePaths = route.paths(data, random);
    const itemIds = data.shop.initialItems.map((item) => item.id);
    const itemPaths = Array.from(
      { length: 5000 },
      () => `/v1/items/${encodeURIComponent(random.pick(itemIds))}`,
    );

    const pulseClient = new KeepAliveClient(pulse.baseUrl, config.concurrency);
    clients.push(pulseClient);
    const probe = await probeRoute(
      pulseClient,
      keys.read,
      routePaths,
      config.probeS,
      route.classify,
    );
    progress(
      `  unloaded ${route.name}: p50 ${probe.latencyMs.p50.toFixed(1)} ms over ${probe.latencyMs.count} requests; median body ${probe.medianBody.length} bytes`,
    );
    bare = await startBareServer(probe.medianBody, data.dataDir);
    const bareClient = new KeepAliveClient(bare.baseUrl, config.concurrency);
    clients.push(bareClient);

    const pulseCpu = () => pulse.cpuMs();
    const targets: Target[] = [
      {
        name: route.name,
        description: route.description,
        client: pulseClient,
        key: keys.read,
        path: cycle(routePaths),
        cpuMs: pulseCpu,
      },
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
        cpuMs: () => bare!.cpuMs(),
      },
    ];
    progress(
      `measuring ${targets.map((t) => t.name).join(', ')}: ${config.rounds} rounds, ${config.durationS} s each in all, concurrency ${config.concurrency}`,
    );
    const routes = await measureSideBySide(targets, {
      concurrency: config.concurrency,
      seconds: config.durationS,
      warmupSeconds: config.warmupS,
      rounds: config.rounds,
    });
    const [main, itemGet, floor] = routes as [TargetFigures, TargetFigures, TargetFigures];
    const rss = await serviceRssMb(pulseClient);
    return {
      items,
      setup: {
        interactions: data.interactions,
        storedEvents: data.storedEvents,
        eventsPerItem: config.eventsPerItem,
        writeSeconds: data.writeSeconds,
        fromCache: data.fromCache,
        catchUpSeconds: data.builtAlready ? data.catchUpSeconds : serving.readySeconds,
        ...((data.builtAlready ? data.catchUpCpuSeconds : serving.readyCpuSeconds) !==
          undefined && {
          catchUpCpuSeconds: data.builtAlready ? data.catchUpCpuSeconds : serving.readyCpuSeconds,
        }),
        listenSeconds: serving.listenSeconds,
        readySeconds: serving.readySeconds,
        historyFrom: data.historyFrom,
        historyTo: data.historyTo,
        returningShoppers: data.returningShopperIds.length,
      },
      loadAverage1m: { before: loadBefore, after: loadAverage1m() },
      unloaded: { requests: probe.latencyMs.count, latencyMs: probe.latencyMs },
      answerMix: probe.mix,
      bareBodyBytes: probe.medianBody.length,
      routes,
      ratios: {
        p50VsBare: main.latencyMs.p50 / floor.latencyMs.p50,
        p99VsBare: main.latencyMs.p99 / floor.latencyMs.p99,
        p50VsItemGet: main.latencyMs.p50 / itemGet.latencyMs.p50,
        p99VsItemGet: main.latencyMs.p99 / itemGet.latencyMs.p99,
        throughputItemGetVsRoute: itemGet.requestsPerSecond / main.requestsPerSecond,
        ...(main.serverCpuMsPerRequest !== undefined &&
          itemGet.serverCpuMsPerRequest !== undefined && {
            cpuVsItemGet: main.serverCpuMsPerRequest / itemGet.serverCpuMsPerRequest,
          }),
      },
      ...(rss !== undefined && { serviceRssMb: rss }),
    };
  } catch (error) {
    if (serving && !serving.pulse.isAlive()) {
      throw new Error(
        `${(error as Error).message}\nPulse died during the benchmark. Its output:\n${serving.pulse.outputTail()}`,
      );
    }
    throw error;
  } finally {
    for (const client of clients) client.close();
    await bare?.stop();
    await serving?.pulse.stop();
    removeDir(data.dataDir);
  }
}

/** Resident memory of Pulse from its Prometheus metrics (prom-client's default process metrics). */
export async function serviceRssMb(client: KeepAliveClient): Promise<number | undefined> {
  const answer = await client.get('/metrics');
  if (answer.status !== 200) return undefined;
  const match = /^pulse_process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+?\d+)?)/m.exec(
    answer.body.toString('utf8'),
  );
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
    const path = paths[paths.length - 1 - (i % paths.length)]!;
    const sentAt = now();
    const answer = await client.get(path, key);
    ms.push(now() - sentAt);
    if (answer.status !== 200) {
      throw new Error(
        `GET ${path} answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 500)}`,
      );
    }
    bodies.push(answer.body);
    const label = classify(JSON.parse(answer.body.toString('utf8')));
    mix[label] = (mix[label] ?? 0) + 1;
  }
  const bySize = [...bodies].sort((a, b) => a.length - b.length);
  return { latencyMs: summarise(ms), medianBody: bySize[bySize.length >> 1]!, mix };
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

const times = (x: number | undefined) =>
  x === undefined || !Number.isFinite(x) ? '-' : `×${fmt(x, x < 10 ? 2 : 1)}`;

export function formatServingReport(r: ServingBenchResult, routeName: string): string {
  const { config: c, machine: m } = r;
  const lines = [
    `Pulse ${r.benchmark} benchmark: catalogs of ${c.sizes.join(', ')} items, ~${c.eventsPerItem} interactions per item of history, ` +
      `concurrency ${c.concurrency}, ${c.durationS} s per route in ${c.rounds} rounds, seed ${c.seed}`,
    `machine: ${m.cpus} cpus (${m.cpuModel}), node ${m.node}, load average ${m.loadAverage1m} at start`,
  ];
  for (const s of r.sizes) {
    const st = s.setup;
    lines.push(
      '',
      `-- ${s.items} items: ${st.interactions} interactions (${st.storedEvents} events, ${st.returningShoppers} returning shoppers), ` +
        `history ${st.historyFrom.slice(0, 16)} → ${st.historyTo.slice(0, 16)}`,
      `   set-up: written in ${fmt(st.writeSeconds, 0)} s; Pulse caught up in ${fmt(st.catchUpSeconds, 0)} s` +
        (st.catchUpCpuSeconds !== undefined ? ` (${fmt(st.catchUpCpuSeconds, 0)} s CPU)` : '') +
        (st.fromCache ? ', in an earlier run (cached)' : '') +
        `; this run's Pulse listening after ${fmt(st.listenSeconds, 0)} s, ready after ${fmt(st.readySeconds, 0)} s` +
        `; load average ${s.loadAverage1m.before} → ${s.loadAverage1m.after}` +
        (s.serviceRssMb !== undefined ? `; Pulse RSS ${s.serviceRssMb} MB` : ''),
      `   unloaded ${routeName} (one at a time): p50 ${fmt(s.unloaded.latencyMs.p50, 1)} ms, p99 ${fmt(s.unloaded.latencyMs.p99, 1)} ms over ${s.unloaded.requests}; answers: ${Object.entries(
        s.answerMix,
      )
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
      '',
      formatTable(
        [
          'route',
          'requests',
          'req/s',
          'p50 ms',
          'p99 ms',
          'max ms',
          'p50 by round',
          'server CPU ms/req',
          'body B',
          'non-200',
        ],
        s.routes.map((t) => [
          t.name,
          fmt(t.requests, 0),
          fmt(t.requestsPerSecond, 0),
          fmt(t.latencyMs.p50, 2),
          fmt(t.latencyMs.p99, 2),
          fmt(t.latencyMs.max, 1),
          t.roundP50Ms.map((x) => fmt(x, 1)).join(' / '),
          fmt(t.serverCpuMsPerRequest, 3),
          fmt(t.medianBytes, 0),
          fmt(t.non200, 0),
        ]),
      ).replace(/^/gm, '   '),
      '',
      `   ${routeName} ÷ bare: p50 ${times(s.ratios.p50VsBare)}, p99 ${times(s.ratios.p99VsBare)};  ` +
        `${routeName} ÷ item-get: p50 ${times(s.ratios.p50VsItemGet)}, p99 ${times(s.ratios.p99VsItemGet)}, ` +
        `server CPU per request ${times(s.ratios.cpuVsItemGet)}, throughput item-get/${routeName} ${times(s.ratios.throughputItemGetVsRoute)}`,
    );
    for (const t of s.routes.filter((x) => x.errorSamples.length > 0)) {
      lines.push(`   ${t.name} non-200 answers, e.g.: ${t.errorSamples[0]}`);
    }
  }
  const clientCores = r.sizes.flatMap((s) => s.routes.map((t) => t.clientCpuCores));
  if (clientCores.length > 0) {
    lines.push(
      '',
      `load generator used up to ${fmt(Math.max(...clientCores), 2)} cores of the same machine`,
    );
  }
  return lines.join('\n');
}
