import type { Command } from 'commander';
import {
  formatFreshnessReport,
  FRESHNESS_DEFAULTS,
  runFreshnessBench,
} from '../bench/freshness.bench';
import { formatReplayReport, REPLAY_DEFAULTS, runReplayBench } from '../bench/replay.bench';
import { wholeNumber } from './cli-arguments';

/**
 * The read-side benchmarks under `pulse bench`: projection replay speed and
 * read-model freshness. Same output rules as `bench ingest`: a readable
 * report on stdout, and with --json the whole result as the last stdout line.
 */
export function registerReadSideBenches(bench: Command): void {
  bench
    .command('replay')
    .description(
      'Rebuild every projection in process from a bulk-written synthetic log, against the raw log read rate',
    )
    .option('--json', 'also print the result as one JSON object on the last stdout line')
    .option(
      '--events <n>',
      'interaction events in the log',
      wholeNumber('--events', 1),
      REPLAY_DEFAULTS.events,
    )
    .option(
      '--seed <n>',
      'seed of the synthetic shop',
      wholeNumber('--seed', 1),
      REPLAY_DEFAULTS.seed,
    )
    .option(
      '--per-projection',
      'also replay each projection alone, for its own rate (roughly doubles the run)',
    )
    .action(
      async (options: {
        json?: boolean;
        events: number;
        seed: number;
        perProjection?: boolean;
      }) => {
        const result = await runReplayBench({
          ...REPLAY_DEFAULTS,
          events: options.events,
          seed: options.seed,
          perProjection: options.perProjection ?? false,
        });
        print(formatReplayReport(result), options.json ? result : undefined);
      },
    );

  bench
    .command('freshness')
    .description(
      'Write-to-read-model latency (polling, and with ?after=) under a steady background load',
    )
    .option('--json', 'also print the result as one JSON object on the last stdout line')
    .option(
      '--duration <s>',
      'seconds of the measured window',
      wholeNumber('--duration', 1),
      FRESHNESS_DEFAULTS.durationS,
    )
    .option(
      '--background-rate <n>',
      'background events per second',
      wholeNumber('--background-rate', 1),
      FRESHNESS_DEFAULTS.backgroundRate,
    )
    .action(async (options: { json?: boolean; duration: number; backgroundRate: number }) => {
      const result = await runFreshnessBench({
        ...FRESHNESS_DEFAULTS,
        durationS: options.duration,
        backgroundRate: options.backgroundRate,
      });
      print(formatFreshnessReport(result), options.json ? result : undefined);
    });
}

function print(report: string, json: unknown): void {
  process.stdout.write(`${report}\n`);
  if (json !== undefined) process.stdout.write(`${JSON.stringify(json)}\n`);
}
