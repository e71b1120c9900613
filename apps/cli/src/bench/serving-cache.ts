import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SyntheticShop } from '@pulse/testing/synthetic/shop/synthetic-shop';
import { makeTempDir, progress, removeDir } from './bench-support';
import { startCaughtUp } from './catch-up';
import { prepareShop, type ServingShopOptions, shopFor } from './serving-shop';

/**
 * A prepared data directory for one benchmark run, optionally reused across
 * runs (`--cache <dir>`): writing a 100k-item shop and letting Pulse build its
 * read models takes far longer than measuring it, and `bench recommend` and
 * `bench search` can share one.
 */

export interface ServingDataDir {
  /** A private copy: the benchmark appends to it (served-response events). */
  readonly dataDir: string;
  readonly head: bigint;
  readonly interactions: number;
  readonly storedEvents: number;
  readonly writeSeconds: number;
  /** Start → caught up on the freshly written log, when already known (a cache); else the caller's Pulse measures it. */
  readonly catchUp?: { readonly seconds: number; readonly cpuSeconds?: number };
  readonly historyFrom: string;
  readonly historyTo: string;
  /** Reused from an earlier run's cache. */
  readonly fromCache: boolean;
  /** The shop as of its start (catalog and shopper preferences; traffic not replayed). */
  readonly shop: SyntheticShop;
  /** Registered shoppers with history, most active first. */
  readonly returningShopperIds: readonly string[];
}

interface CacheMeta {
  readonly options: ServingShopOptions;
  readonly builtAt: number;
  readonly head: string;
  readonly interactions: number;
  readonly storedEvents: number;
  readonly writeSeconds: number;
  readonly catchUp: { readonly seconds: number; readonly cpuSeconds?: number };
  readonly historyFrom: string;
  readonly historyTo: string;
  readonly returningShopperIds: readonly string[];
  readonly startAt: number;
}

/** A cache older than this is rebuilt: decayed popularity and trending would no longer look like a live shop. */
const CACHE_MAX_AGE_MS = 12 * 3_600_000;
const DB_FILES = ['events.db', 'read-models.db'];

export const cacheKey = (o: ServingShopOptions): string =>
  `serving-i${o.items}-e${o.eventsPerItem}-s${o.seed}${o.shoppers !== undefined ? `-sh${o.shoppers}` : ''}`;

/**
 * Without `cacheDir`: a freshly written directory (Pulse catches up when the
 * caller starts it). With it: a copy of the directory built for the same
 * options less than 12 h ago, read models included, so the run skips both the
 * write and the catch-up; built there first when missing.
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
      historyFrom: prepared.historyFrom,
      historyTo: prepared.historyTo,
      fromCache: false,
      shop: prepared.shop,
      returningShopperIds: prepared.shop.returningShopperIds(),
    };
  }
  const cached = join(cacheDir, cacheKey(o));
  let meta = readFreshMeta(cached);
  const fromCache = meta !== undefined;
  if (meta) {
    progress(`reusing ${cached} (built ${Math.round((Date.now() - meta.builtAt) / 60_000)} min ago)`);
  } else {
    meta = await buildCache(o, cached, catchUpTimeoutMs);
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
    catchUp: meta.catchUp,
    historyFrom: meta.historyFrom,
    historyTo: meta.historyTo,
    fromCache,
    shop: shopFor(o, meta.startAt),
    returningShopperIds: meta.returningShopperIds,
  };
}

function readFreshMeta(cached: string): CacheMeta | undefined {
  const metaFile = join(cached, 'meta.json');
  if (!existsSync(metaFile)) return undefined;
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as CacheMeta;
  const fresh = Date.now() - meta.builtAt < CACHE_MAX_AGE_MS && meta.catchUp !== undefined;
  return fresh && DB_FILES.every((f) => existsSync(join(cached, f))) ? meta : undefined;
}

async function buildCache(o: ServingShopOptions, cached: string, catchUpTimeoutMs: number): Promise<CacheMeta> {
  removeDir(cached);
  mkdirSync(cached, { recursive: true });
  const prepared = await prepareShop(o, cached);
  progress('starting Pulse once on it to build the read models (kept in the cache)');
  const serving = await startCaughtUp(cached, prepared.head, { timeoutMs: catchUpTimeoutMs });
  // A graceful stop checkpoints the write-ahead logs into the main files.
  await serving.pulse.stop(60_000);
  const meta: CacheMeta = {
    options: o,
    builtAt: Date.now(),
    head: prepared.head.toString(),
    interactions: prepared.interactions,
    storedEvents: prepared.storedEvents,
    writeSeconds: prepared.writeSeconds,
    catchUp: {
      seconds: serving.readySeconds,
      ...(serving.readyCpuSeconds !== undefined && { cpuSeconds: serving.readyCpuSeconds }),
    },
    historyFrom: prepared.historyFrom,
    historyTo: prepared.historyTo,
    returningShopperIds: prepared.shop.returningShopperIds(),
    startAt: prepared.shop.startAt,
  };
  writeFileSync(join(cached, 'meta.json'), JSON.stringify(meta));
  return meta;
}
