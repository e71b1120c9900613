import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import {
  buildTrainingSet,
  exportTrainingSet,
  type TrainingSetOptions,
} from '@pulse/models/training-data';
import { loadConfig } from '@pulse/platform/config/pulse-config';
import type { EventStore } from '@pulse/platform/event-store/event-store.port';
import { KurrentDbEventStore } from '@pulse/platform/event-store/kurrentdb-event-store.adapter';
import { SqliteEventStore } from '@pulse/platform/event-store/sqlite-event-store.adapter';
import { fraction, positiveNumber, wholeNumber } from './cli-arguments';

interface ExportOptions {
  until?: bigint;
  out?: string;
  dataDir?: string;
  maxEventsPerMinute?: number;
  burstGapMs?: number;
  burstMinEvents?: number;
  validation?: number;
  test?: number;
  minUserInteractions?: number;
  minSessionInteractions?: number;
  maxHistory?: number;
  json?: boolean;
}

/**
 * `pulse dataset export`: the event log as of a position, as training data
 * in the formats `pulse evaluate` and the trainers read
 * (libs/models/src/training-data). Reads the same store Pulse uses:
 * EVENTSTORE_URL when set, else <data dir>/events.db.
 */
export function registerDatasetCommand(program: Command): void {
  const dataset = program.command('dataset').description('training data from the event log');
  dataset
    .command('export')
    .description(
      'write the training set as of a log position (users.txt, sessions/, items.jsonl, manifest.json)',
    )
    .option(
      '--until <position>',
      'last global log position to include (default: the head now)',
      position,
    )
    .option('--out <dir>', 'output directory (default <data dir>/training-sets/until-<position>)')
    .option(
      '--data-dir <dir>',
      'Pulse data directory holding events.db (default $PULSE_DATA_DIR or ./data)',
    )
    .option(
      '--max-events-per-minute <n>',
      'drop shoppers busier than this (default 30)',
      positiveNumber('--max-events-per-minute'),
    )
    .option(
      '--burst-gap-ms <ms>',
      'views/searches closer than this form a burst (default 1000)',
      positiveNumber('--burst-gap-ms'),
    )
    .option(
      '--burst-min-events <n>',
      'events in a run that make it a burst (default 5)',
      wholeNumber('--burst-min-events', 2),
    )
    .option(
      '--validation <fraction>',
      'latest share of interactions before the test part (default 0.1)',
      fraction('--validation'),
    )
    .option(
      '--test <fraction>',
      'latest share of interactions held out for testing (default 0.1)',
      fraction('--test'),
    )
    .option(
      '--min-user-interactions <n>',
      'shortest shopper sequence kept (default 1)',
      wholeNumber('--min-user-interactions', 1),
    )
    .option(
      '--min-session-interactions <n>',
      'shortest session kept (default 2)',
      wholeNumber('--min-session-interactions', 1),
    )
    .option(
      '--max-history <n>',
      'longest history in a prefix -> target case (default 50)',
      wholeNumber('--max-history', 1),
    )
    .option('--json', 'also print the manifest summary as one JSON object on the last stdout line')
    .action(async (options: ExportOptions) => exportDataset(options));
}

async function exportDataset(options: ExportOptions): Promise<void> {
  const config = loadConfig(
    options.dataDir ? { ...process.env, PULSE_DATA_DIR: options.dataDir } : process.env,
  );
  const dataDir = resolve(config.PULSE_DATA_DIR);
  const store = openStore(config.EVENTSTORE_URL, dataDir);
  const bar = new SingleBar({
    format: 'reading the log [{bar}] {percentage}% | position {value}/{total} | {events} events',
    stream: process.stderr,
    hideCursor: true,
  });
  const started = Date.now();
  try {
    const head = await store.headPosition();
    const until = options.until ?? head;
    if (until > head) throw new Error(`--until ${until} is beyond the log head ${head}`);
    // Positions are bigint (EventStoreDB's are byte offsets); the bar only needs their proportion.
    bar.start(Math.max(1, Number(until)), 0, { events: 0 });
    const set = await buildTrainingSet(store, {
      ...cleaningOptions(options),
      untilPosition: until,
      onProgress: (p) => bar.update(Number(p.position), { events: p.eventsRead }),
    });
    bar.stop();
    const out = resolve(options.out ?? join(dataDir, 'training-sets', `until-${until}`));
    const files = exportTrainingSet(set, out);
    const s = set.stats;
    const lines = [
      `exported the log up to position ${until} into ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      `  read ${s.eventsRead} events (${s.shopperEvents} shopper, ${s.itemEvents} item)`,
      `  users: ${s.users} sequences, ${s.userInteractions} interactions, ${s.items} items (${s.itemsWithoutContent} without catalog content)`,
      `  sessions: train ${s.sessions.train}, validation ${s.sessions.validation}, test ${s.sessions.test}`,
      `  cleaning: ${s.collapsedViews} repeated views collapsed, ${s.mergedActions} cart/purchase merged into their view, ` +
        `${s.droppedShoppers} shoppers dropped (${s.droppedShopperEvents} events), ${s.bursts} bursts dropped (${s.burstEvents} events)`,
      `  evaluate with: npx pulse evaluate --dataset ${files.users} --protocol loo-full --model all`,
      `             or: npx pulse evaluate --dataset ${files.sessions} --protocol session-prefix --model all`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ out, untilPosition: until.toString(), files, stats: { ...s, lastPositionRead: s.lastPositionRead.toString() } })}\n`,
      );
    }
  } finally {
    bar.stop();
    await store.close();
  }
}

function openStore(url: string | undefined, dataDir: string): EventStore {
  if (url) return new KurrentDbEventStore(url);
  const file = join(dataDir, 'events.db');
  // Opening would create an empty log; a wrong directory should say so instead.
  if (!existsSync(file))
    throw new Error(`no event log at ${file}: pass --data-dir or set PULSE_DATA_DIR`);
  return new SqliteEventStore(file);
}

function cleaningOptions(o: ExportOptions): Partial<TrainingSetOptions> {
  return {
    ...(o.maxEventsPerMinute !== undefined && { maxEventsPerMinute: o.maxEventsPerMinute }),
    ...(o.burstGapMs !== undefined && { burstGapMs: o.burstGapMs }),
    ...(o.burstMinEvents !== undefined && { burstMinEvents: o.burstMinEvents }),
    ...(o.validation !== undefined && { validationFraction: o.validation }),
    ...(o.test !== undefined && { testFraction: o.test }),
    ...(o.minUserInteractions !== undefined && { minUserInteractions: o.minUserInteractions }),
    ...(o.minSessionInteractions !== undefined && {
      minSessionInteractions: o.minSessionInteractions,
    }),
    ...(o.maxHistory !== undefined && { maxHistory: o.maxHistory }),
  };
}

function position(value: string): bigint {
  if (!/^\d+$/.test(value.trim()))
    throw new InvalidArgumentError('--until must be a log position (a whole number >= 0).');
  return BigInt(value.trim());
}
