import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { type DriveSummary, driveOverHttp } from '@pulse/testing/synthetic/drive-over-http';
import {
  MEAN_EVENTS_PER_SESSION,
  startAtFor,
  SyntheticShop,
  type SyntheticShopOptions,
} from '@pulse/testing/synthetic/shop/synthetic-shop';
import { type WriteDirectSummary, writeDirect } from '@pulse/testing/synthetic/write-direct';
import { nonNegativeNumber, positiveNumber, wholeNumber } from './cli-arguments';

interface SimulateOptions {
  url?: string;
  key?: string;
  items: number;
  shoppers?: number;
  rate: number;
  duration?: number;
  events?: number;
  seed: number;
  catalogOnly?: boolean;
  batch: number;
  concurrency: number;
  clock: 'real' | 'sim';
  direct?: string;
  drift: number;
  shiftAfter?: number;
  json?: boolean;
}

/**
 * `pulse simulate`: a realistic synthetic shop (libs/testing/src/synthetic)
 * sent to a running Pulse over HTTP, or written straight into a data
 * directory for a fast set-up of a large shop before Pulse starts.
 */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'Run a synthetic shop against Pulse: its catalog, then shoppers searching, viewing, carting and buying',
    )
    .option('--url <url>', 'Pulse base URL (default $PULSE_URL or http://localhost:3000)')
    .option('--key <key>', 'ingest API key (default $PULSE_INGEST_KEY or ./data/api-keys.json)')
    .option('--items <n>', 'catalog size', wholeNumber('--items', 1), 10_000)
    .option(
      '--shoppers <n>',
      'registered shoppers (default: half the items, at least 500)',
      wholeNumber('--shoppers', 1),
    )
    .option('--rate <n>', 'events per second over HTTP', positiveNumber('--rate'), 200)
    .option(
      '--duration <s>',
      'seconds of traffic over HTTP (default 60 unless --events)',
      positiveNumber('--duration'),
    )
    .option(
      '--events <n>',
      'interaction events to send or write (default with --direct: 100000)',
      wholeNumber('--events', 0),
    )
    .option(
      '--seed <n>',
      'the same seed gives the same catalog and traffic',
      wholeNumber('--seed', 0),
      1,
    )
    .option('--catalog-only', 'send the catalog and stop')
    .option('--batch <n>', 'events per POST /v1/events', wholeNumber('--batch', 1), 50)
    .option('--concurrency <n>', 'requests in flight', wholeNumber('--concurrency', 1), 4)
    .option(
      '--clock <real|sim>',
      "real: events stamped with the wall clock, visits paced like a live shop at --rate; sim: the shop's simulated clock, ending about now",
      clockMode,
      'real',
    )
    .option(
      '--direct <dir>',
      'write into <dir>/events.db (an empty log) instead of HTTP; Pulse must not run on it meanwhile',
    )
    .option(
      '--drift <per-day>',
      'how often each favourite of a shopper changes, per simulated day',
      nonNegativeNumber('--drift'),
      0.05,
    )
    .option(
      '--shift-after <n>',
      "most shoppers' interests jump after this many events",
      wholeNumber('--shift-after', 1),
    )
    .option('--json', 'also print the summary as one JSON object on the last stdout line')
    .action(async (options: SimulateOptions) => {
      if (options.direct !== undefined) await simulateDirect(options, options.direct);
      else await simulateOverHttp(options);
    });
}

async function simulateDirect(options: SimulateOptions, dir: string): Promise<void> {
  const events = options.catalogOnly ? 0 : (options.events ?? 100_000);
  const shop = new SyntheticShop({ ...shopOptions(options), startAt: startToEndBeforeNow(events) });
  const bar = progressBar('{phase} [{bar}] {percentage}% | {value}/{total} | {rate} events/s');
  const started = Date.now();
  bar.start(events, 0, { phase: 'writing', rate: 0 });
  let summary: WriteDirectSummary;
  try {
    summary = await writeDirect(resolve(dir), shop, {
      events,
      onProgress: ({ interactions, storedEvents }) =>
        bar.update(interactions, {
          rate: Math.round(storedEvents / Math.max(0.001, (Date.now() - started) / 1000)),
        }),
    });
  } finally {
    bar.stop();
  }
  const lines = [
    `wrote ${summary.totalEvents} events into ${join(resolve(dir), 'events.db')} in ${(summary.elapsedMs / 1000).toFixed(1)} s (${Math.round(summary.eventsPerSecond)} events/s)`,
    `  catalog: ${summary.items} items, ${summary.catalogChanges} changes later (${summary.itemEvents} item events)`,
    `  traffic: ${summary.interactions} interactions from ${summary.from.toISOString()} to ${summary.to.toISOString()}`,
    `  head position: ${summary.head}; start Pulse with PULSE_DATA_DIR=${dir} to build its read models`,
  ];
  report(
    lines,
    options.json
      ? { mode: 'direct', seed: options.seed, ...summary, head: summary.head.toString() }
      : undefined,
  );
}

async function simulateOverHttp(options: SimulateOptions): Promise<void> {
  const url = (
    options.url ??
    process.env.PULSE_URL ??
    `http://localhost:${process.env.PORT ?? 3000}`
  ).replace(/\/$/, '');
  const key = ingestKey(options.key);
  const realtime = options.clock === 'real';
  const events = options.events;
  const durationMs =
    events === undefined && !options.catalogOnly
      ? (options.duration ?? 60) * 1000
      : options.duration && options.duration * 1000;
  const expectedEvents = events ?? Math.round(((durationMs ?? 0) / 1000) * options.rate);
  const shopSettings: Partial<SyntheticShopOptions> = realtime
    ? // Visits arrive as fast as --rate asks, so the shop's clock keeps pace with the wall clock.
      {
        startAt: Date.now(),
        sessionsPerHour: (options.rate * 3600) / MEAN_EVENTS_PER_SESSION,
        diurnal: false,
        // Ten minutes unseen first, so a short run is not all first clicks of new visits.
        warmUpMs: 10 * 60_000,
      }
    : {
        startAt: startToEndBeforeNow(expectedEvents),
      };
  const shop = new SyntheticShop({ ...shopOptions(options), ...shopSettings });

  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping: finishing requests in flight (Ctrl-C again to quit now)\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  const bar = progressBar(
    '{phase} [{bar}] {percentage}% | {value}/{total} | accepted {accepted} duplicate {duplicate} rejected {rejected}',
  );
  let phase: 'catalog' | 'events' | undefined;
  let summary: DriveSummary;
  try {
    summary = await driveOverHttp({
      url,
      key,
      shop,
      events,
      durationMs,
      rate: options.rate,
      batch: options.batch,
      concurrency: options.concurrency,
      catalogOnly: options.catalogOnly,
      timestamps: realtime ? 'realtime' : 'simulated',
      signal: abort.signal,
      onProgress: (p) => {
        if (p.phase !== phase) {
          if (phase) bar.stop();
          phase = p.phase;
          bar.start(
            p.phase === 'catalog' ? p.itemsTotal : Math.max(1, p.eventsTotal ?? expectedEvents),
            0,
            { phase, accepted: 0, duplicate: 0, rejected: 0 },
          );
        }
        const value = p.phase === 'catalog' ? p.itemsSent : p.eventsSent;
        bar.setTotal(
          Math.max(value, p.phase === 'catalog' ? p.itemsTotal : (p.eventsTotal ?? expectedEvents)),
        );
        bar.update(value, {
          phase: p.phase,
          accepted: p.accepted,
          duplicate: p.duplicate,
          rejected: p.rejected,
        });
      },
    });
  } finally {
    bar.stop();
    process.off('SIGINT', onSigint);
  }
  const { items, events: sent } = summary;
  const lines = [
    `catalog: ${items.sent} items in ${(summary.catalogMs / 1000).toFixed(1)} s (listed ${items.listed}, updated ${items.updated}, unchanged ${items.unchanged}, rejected ${items.rejected})`,
  ];
  if (!options.catalogOnly) {
    lines.push(
      `events: ${sent.sent} sent in ${(summary.eventsMs / 1000).toFixed(1)} s, ${summary.eventsPerSecond.toFixed(1)} events/s (target ${options.rate})`,
      `  accepted ${sent.accepted}, duplicate ${sent.duplicate}, rejected ${sent.rejected}${formatCounts(sent.rejections, ' (', ')')}`,
      `  by type:${formatCounts(sent.byType, ' ', '')}; catalog changes ${summary.catalogChanges}`,
    );
  }
  lines.push(
    `requests ${summary.requests} (retries ${summary.retries}); last position ${summary.lastPosition} (pass as ?after= to read everything sent)`,
  );
  report(lines, options.json ? { mode: 'http', url, seed: options.seed, ...summary } : undefined);
  if (sent.rejected > 0 || items.rejected > 0) process.exitCode = 1;
}

/**
 * Where a simulated clock must start for `events` to end shortly before now:
 * read models decay interest towards the present, so a log from long ago
 * would show shoppers with no interests, and one running into the future
 * would have Pulse refuse events (PULSE_MAX_CLOCK_SKEW_MS). Visits vary in
 * length, hence 5% more events and ten minutes to spare.
 */
function startToEndBeforeNow(events: number): number {
  return startAtFor(events * 1.05, Date.now() - 10 * 60_000);
}

function shopOptions(options: SimulateOptions): SyntheticShopOptions {
  return {
    seed: options.seed,
    items: options.items,
    ...(options.shoppers !== undefined && { shoppers: options.shoppers }),
    driftPerDay: options.drift,
    ...(options.shiftAfter !== undefined && { interestShift: { afterEvents: options.shiftAfter } }),
  };
}

/** Flag, then PULSE_INGEST_KEY, then the keys file Pulse generated under its data directory. */
function ingestKey(flag: string | undefined): string {
  const keysFile = join(resolve(process.env.PULSE_DATA_DIR ?? './data'), 'api-keys.json');
  const fromFile = existsSync(keysFile)
    ? (JSON.parse(readFileSync(keysFile, 'utf8')) as { ingest?: string }).ingest
    : undefined;
  const key = flag ?? process.env.PULSE_INGEST_KEY ?? fromFile;
  if (!key)
    throw new Error(
      `no ingest key: pass --key, set PULSE_INGEST_KEY, or run where ${keysFile} exists`,
    );
  return key;
}

function progressBar(format: string): SingleBar {
  return new SingleBar({ format, stream: process.stderr, hideCursor: true, etaBuffer: 50 });
}

function report(lines: string[], json: object | undefined): void {
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) process.stdout.write(`${JSON.stringify(json)}\n`);
}

function formatCounts(counts: Record<string, number>, before: string, after: string): string {
  const entries = Object.entries(counts);
  return entries.length === 0
    ? ''
    : `${before}${entries.map(([k, v]) => `${k} ${v}`).join(', ')}${after}`;
}

function clockMode(value: string): 'real' | 'sim' {
  if (value !== 'real' && value !== 'sim')
    throw new InvalidArgumentError('--clock must be real or sim.');
  return value;
}
