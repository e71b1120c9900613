import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { loadConfig } from '@pulse/platform/config/pulse-config';
import type { DocumentStore } from '@pulse/platform/document-store/document-store.port';
import { SqliteDocumentStore } from '@pulse/platform/document-store/sqlite-document-store.adapter';
import { SqliteEventStore } from '@pulse/platform/event-store/sqlite-event-store.adapter';
import type { Projection } from '@pulse/platform/projections/projection';
import { ProjectionManager } from '@pulse/platform/projections/projection-manager';
import { physicalCollection } from '@pulse/platform/projections/projection-runner';
import {
  EventStreamGenerator,
  StoredEventFactory,
  SeededRandom,
  writeSyntheticLog,
} from '@pulse/testing/synthetic/event-stream.generator';
import { pulseProjections } from '../../../api/src/projections';
import {
  fmt,
  formatTable,
  machineInfo,
  type MachineInfo,
  makeTempDir,
  now,
  progress,
  removeDir,
  sleep,
} from './bench-support';

/**
 * `pulse bench replay`: how fast every projection rebuilds from the log, in
 * process, on the embedded stores. One run:
 *  1. bulk-writes a synthetic shop (catalog, then N interactions with catalog
 *     changes mixed in) into a fresh SQLite event store, untimed;
 *  2. baseline: reads the whole log back with readAll pages of the size the
 *     subscriptions use, the ceiling for anything that follows it;
 *  3. replay: the service's projections (pulseProjections with the default
 *     config) under one ProjectionManager into a fresh SQLite document store,
 *     timed until every one has applied the log head;
 *  4. with `perProjection`: each projection again, alone, into its own fresh
 *     document store. Runners in one process interleave (they share one
 *     thread), so only a run on its own tells what one projection costs; its
 *     time is split into handler, batch commits and the rest (reading and
 *     decoding the log, batching, GC) by thin wrappers (~0.1 µs per call).
 * The headline is replay events/s ÷ raw read events/s. Rates are also given
 * per CPU-second of this process, which a busy shared machine distorts less
 * than wall-clock rates.
 */

export interface ReplayBenchConfig {
  /** Interaction events in the log (the catalog listing and catalog changes come on top). */
  readonly events: number;
  readonly items: number;
  readonly shoppers: number;
  readonly seed: number;
  /** Events per projection batch: PULSE_PROJECTION_BATCH's default. */
  readonly maxBatch: number;
  /** Events per readAll page in the baseline: the subscriptions' page size. */
  readonly pageSize: number;
  /** Also replay each projection alone (roughly doubles the run). */
  readonly perProjection: boolean;
}

export const REPLAY_DEFAULTS: ReplayBenchConfig = {
  events: 1_000_000,
  items: 5000,
  shoppers: 100_000,
  seed: 1,
  maxBatch: loadConfig({}).PULSE_PROJECTION_BATCH,
  pageSize: 500,
  perProjection: false,
};

/** Wall-clock and CPU rates of one timed phase. */
export interface RateFigure {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly cpuSeconds: number;
  readonly eventsPerCpuSecond: number;
}

/** One projection replayed alone. */
export interface ProjectionReplayFigure extends RateFigure {
  readonly name: string;
  /** Events of the types it handles (the others only move its checkpoint). */
  readonly eventsHandled: number;
  /** Wall seconds inside its handler (document reads included) and inside its batch commits. */
  readonly handlerSeconds: number;
  readonly commitSeconds: number;
  readonly commits: number;
}

export interface ReplayBenchResult {
  readonly benchmark: 'replay';
  readonly config: ReplayBenchConfig;
  readonly machine: MachineInfo;
  readonly log: {
    readonly totalEvents: number;
    readonly itemEvents: number;
    readonly interactionEvents: number;
    readonly writeSeconds: number;
    readonly fileMb: number;
  };
  readonly rawRead: RateFigure;
  /** Every projection together, as the service runs them. */
  readonly replay: RateFigure & {
    readonly peakRssMb: number;
    readonly readModelsFileMb: number;
    /** Documents per read model after the replay. */
    readonly documents: Readonly<Record<string, number>>;
  };
  /** With `perProjection`: each projection alone. */
  readonly projections?: readonly ProjectionReplayFigure[];
  /** replay.eventsPerSecond ÷ rawRead.eventsPerSecond */
  readonly replayToRawRatio: number;
  /** The same per CPU-second: less distorted by other work on a shared machine. */
  readonly replayToRawCpuRatio: number;
}

// ---- phases -------------------------------------------------------------------------

function bar(label: string, total: number): SingleBar {
  const b = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {value}/{total} events | {eta_formatted} left`,
    stream: process.stderr,
    etaBuffer: 50,
  });
  b.start(total, 0);
  return b;
}

async function writeLog(file: string, config: ReplayBenchConfig) {
  const store = new SqliteEventStore(file);
  const generator = new EventStreamGenerator({
    seed: config.seed,
    items: config.items,
    shoppers: config.shoppers,
  });
  const progressBar = bar('writing the log', config.events + config.items);
  const start = now();
  try {
    const summary = await writeSyntheticLog(store, generator, {
      events: config.events,
      onProgress: (written) => progressBar.update(written),
    });
    return { ...summary, writeSeconds: (now() - start) / 1000 };
  } finally {
    progressBar.stop();
    await store.close();
  }
}

/** Times `fn` in wall-clock and CPU seconds of this process. */
async function measured<T>(
  events: number,
  fn: () => Promise<T>,
): Promise<{ result: T; figure: RateFigure }> {
  const cpuBefore = process.cpuUsage();
  const start = now();
  const result = await fn();
  const seconds = (now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    result,
    figure: {
      events,
      seconds,
      eventsPerSecond: events / seconds,
      cpuSeconds,
      eventsPerCpuSecond: events / cpuSeconds,
    },
  };
}

/** readAll page after page, as a catch-up subscription does, and nothing else. */
async function readRaw(
  store: SqliteEventStore,
  pageSize: number,
  totalEvents: number,
): Promise<RateFigure> {
  const { result: events, figure } = await measured(totalEvents, async () => {
    let count = 0;
    let after = -1n;
    for (;;) {
      const page = await store.readAll({ after, maxCount: pageSize });
      if (page.length === 0) return count;
      count += page.length;
      after = page[page.length - 1]!.position;
    }
  });
  if (events !== totalEvents)
    throw new Error(`read ${events} events, the log holds ${totalEvents}`);
  return figure;
}

interface Timing {
  handlerMs: number;
  handled: number;
  commitMs: number;
  commits: number;
}

/** The projection with its handler timed; the projection's own code is untouched. */
function timedProjection(projection: Projection, timing: Timing): Projection {
  return {
    ...projection,
    async handle(event, tx) {
      const start = now();
      try {
        await projection.handle(event, tx);
      } finally {
        timing.handlerMs += now() - start;
        timing.handled++;
      }
    },
  };
}

/** The document store with batch commits timed per checkpoint (i.e. per projection version). */
function timedCommits(docs: DocumentStore, timings: ReadonlyMap<string, Timing>): DocumentStore {
  const applyBatch: DocumentStore['applyBatch'] = async (batches, position, checkpoint) => {
    const start = now();
    try {
      await docs.applyBatch(batches, position, checkpoint);
    } finally {
      const name = checkpoint?.name.split(':')[1];
      const timing = name === undefined ? undefined : timings.get(name);
      if (timing) {
        timing.commitMs += now() - start;
        timing.commits++;
      }
    }
  };
  return new Proxy(docs, {
    get: (target, property, receiver) =>
      property === 'applyBatch' ? applyBatch : Reflect.get(target, property, receiver),
  });
}

const zeroTiming = (): Timing => ({ handlerMs: 0, handled: 0, commitMs: 0, commits: 0 });

/**
 * Runs `projections` under one ProjectionManager from an empty document
 * store until every checkpoint is at the log head. Returns the document
 * store (still open) and the timings per projection.
 */
async function replay(
  events: SqliteEventStore,
  docs: SqliteDocumentStore,
  projections: readonly Projection[],
  label: string,
  maxBatch: number,
) {
  const timings = new Map(projections.map((p) => [p.name, zeroTiming()]));
  // The registry exactly as the service fills it: every item and shopper event type.
  const registry = new StoredEventFactory(new SeededRandom(0)).registry;
  const manager = new ProjectionManager(
    projections.map((p) => timedProjection(p, timings.get(p.name)!)),
    events,
    timedCommits(docs, timings),
    registry,
    { maxBatch },
  );
  const head = await events.headPosition();
  const progressBar = bar(label, Number(head));
  let peakRss = process.memoryUsage().rss;
  try {
    await manager.start();
    for (;;) {
      // Polled, so the runners' code stays untouched. A catching-up runner does
      // not yield to timers until it reaches the head, so the poll (and the
      // progress bar) mostly sees the end; the end is what is timed.
      await sleep(50);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      const statuses = manager.list();
      const failed = statuses.find((s) => s.state === 'failed');
      if (failed)
        throw new Error(
          `${failed.name} failed at ${failed.failure?.position}: ${failed.failure?.error}`,
        );
      const slowest = statuses.reduce((min, s) => {
        const checkpoint = s.checkpoint === null ? -1n : BigInt(s.checkpoint);
        return checkpoint < min ? checkpoint : min;
      }, head);
      progressBar.update(Math.max(0, Number(slowest)));
      if (slowest >= head) break;
    }
  } finally {
    progressBar.stop();
    await manager.stop();
  }
  return { timings, peakRssMb: Math.round(peakRss / 2 ** 20) };
}

async function documentCounts(docs: SqliteDocumentStore, projections: readonly Projection[]) {
  const counts: Record<string, number> = {};
  for (const projection of projections) {
    const version = (await docs.getServingVersion(projection.name)) ?? 1;
    for (const readModel of projection.readModels) {
      counts[readModel.name] = await docs.count(physicalCollection(readModel.name, version));
    }
  }
  return counts;
}

async function replayAll(
  events: SqliteEventStore,
  dir: string,
  config: ReplayBenchConfig,
  totalEvents: number,
) {
  const file = join(dir, 'read-models.db');
  const docs = new SqliteDocumentStore(file);
  try {
    const projections = pulseProjections(loadConfig({}));
    const { result, figure } = await measured(totalEvents, () =>
      replay(events, docs, projections, 'replaying all projections', config.maxBatch),
    );
    return {
      ...figure,
      peakRssMb: result.peakRssMb,
      readModelsFileMb: fileMb(file),
      documents: await documentCounts(docs, projections),
    };
  } finally {
    await docs.close();
  }
}

async function replayEachAlone(
  events: SqliteEventStore,
  dir: string,
  config: ReplayBenchConfig,
  totalEvents: number,
) {
  const figures: ProjectionReplayFigure[] = [];
  for (const projection of pulseProjections(loadConfig({}))) {
    const file = join(dir, `read-models-${projection.name}.db`);
    const docs = new SqliteDocumentStore(file);
    try {
      const { result, figure } = await measured(totalEvents, () =>
        replay(events, docs, [projection], `replaying ${projection.name} alone`, config.maxBatch),
      );
      const timing = result.timings.get(projection.name)!;
      figures.push({
        name: projection.name,
        ...figure,
        eventsHandled: timing.handled,
        handlerSeconds: timing.handlerMs / 1000,
        commitSeconds: timing.commitMs / 1000,
        commits: timing.commits,
      });
    } finally {
      await docs.close();
      // Each alone run gets a fresh store; drop it at once, the disk is shared.
      for (const path of [file, `${file}-wal`, `${file}-shm`]) rmSync(path, { force: true });
    }
  }
  return figures;
}

/** The database file and its WAL: what the data really occupies on disk. */
function fileMb(file: string): number {
  const size = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };
  return Math.round((size(file) + size(`${file}-wal`)) / 2 ** 20);
}

// ---- the run --------------------------------------------------------------------------

export async function runReplayBench(config: ReplayBenchConfig): Promise<ReplayBenchResult> {
  const machine = machineInfo();
  const dir = makeTempDir('replay');
  const eventsFile = join(dir, 'events.db');
  try {
    progress(
      `writing ${config.events.toLocaleString('en-US')} interactions and ${config.items} items into ${eventsFile}`,
    );
    const written = await writeLog(eventsFile, config);
    const log = {
      totalEvents: written.totalEvents,
      itemEvents: written.itemEvents,
      interactionEvents: written.interactionEvents,
      writeSeconds: written.writeSeconds,
      fileMb: fileMb(eventsFile),
    };
    const events = new SqliteEventStore(eventsFile);
    try {
      progress(`baseline: readAll in pages of ${config.pageSize}`);
      const rawRead = await readRaw(events, config.pageSize, log.totalEvents);
      progress('replaying every projection into a fresh document store');
      const replayed = await replayAll(events, dir, config, log.totalEvents);
      let projections: ProjectionReplayFigure[] | undefined;
      if (config.perProjection) {
        progress('replaying each projection alone');
        projections = await replayEachAlone(events, dir, config, log.totalEvents);
      }
      return {
        benchmark: 'replay',
        config,
        machine,
        log,
        rawRead,
        replay: replayed,
        ...(projections && { projections }),
        replayToRawRatio: replayed.eventsPerSecond / rawRead.eventsPerSecond,
        replayToRawCpuRatio: replayed.eventsPerCpuSecond / rawRead.eventsPerCpuSecond,
      };
    } finally {
      await events.close();
    }
  } finally {
    removeDir(dir);
  }
}

export function formatReplayReport(r: ReplayBenchResult): string {
  const { config: c, machine: m, log, replay: rp } = r;
  const n = (value: number) => value.toLocaleString('en-US');
  const rate = (f: RateFigure) =>
    `${fmt(f.eventsPerSecond, 0)} events/s (${fmt(f.seconds, 1)} s; ${fmt(f.eventsPerCpuSecond, 0)} events per CPU-second)`;
  const lines = [
    `Pulse replay benchmark: ${n(log.totalEvents)} events (${n(log.interactionEvents)} interactions, ${n(log.itemEvents)} item events), ${c.items} items, ${c.shoppers} shoppers, seed ${c.seed}`,
    `machine: ${m.cpus} cpus (${m.cpuModel}), node ${m.node}, load average ${m.loadAverage1m} at start`,
    `log written in ${fmt(log.writeSeconds, 1)} s (untimed setup), ${log.fileMb} MB`,
    '',
    `raw log read (readAll, pages of ${c.pageSize}): ${rate(r.rawRead)}`,
    `replay, all projections together (batches of ${c.maxBatch}): ${rate(rp)}`,
    `  ${fmt(rp.cpuSeconds / rp.seconds, 2)} cores busy, peak RSS ${rp.peakRssMb} MB, read models ${rp.readModelsFileMb} MB`,
    `  documents: ${Object.entries(rp.documents)
      .map(([name, count]) => `${name} ${n(count)}`)
      .join(', ')}`,
    `replay ÷ raw read: ${fmt(r.replayToRawRatio, 3)} (per CPU-second: ${fmt(r.replayToRawCpuRatio, 3)})`,
  ];
  if (r.projections) {
    lines.push(
      '',
      'each projection alone (handler, commit and other are wall seconds):',
      formatTable(
        [
          'projection',
          'events/s',
          'events/CPU-s',
          'seconds',
          'handler s',
          'commit s',
          'other s',
          'handled',
        ],
        r.projections.map((p) => [
          p.name,
          fmt(p.eventsPerSecond, 0),
          fmt(p.eventsPerCpuSecond, 0),
          fmt(p.seconds, 1),
          fmt(p.handlerSeconds, 1),
          fmt(p.commitSeconds, 1),
          fmt(p.seconds - p.handlerSeconds - p.commitSeconds, 1),
          n(p.eventsHandled),
        ]),
      ),
    );
  }
  return lines.join('\n');
}
