import { type Command, InvalidArgumentError } from 'commander';
import { formatIngestReport, INGEST_DEFAULTS, runIngestBench } from '../bench/ingest.bench';
import { registerLearningLoopBench } from '../bench/learning-loop-command';
import {
  formatScoringReport,
  runScoringBench,
  SCORING_DEFAULTS,
  scoringModelNames,
  selectScoringModels,
} from '../bench/scoring.bench';
import { registerReadSideBenches } from './bench-read-side.command';
import { registerServingBenches } from './bench-serving.command';
import { positiveNumber, wholeNumber } from './cli-arguments';

/**
 * `pulse bench <what>`: benchmarks against the compiled service, each in its
 * own file under apps/cli/src/bench. A readable report goes to stdout; with
 * --json the last stdout line is the whole result as one JSON object, so
 * scripts can `tail -n 1` it.
 */
export function registerBenchCommand(program: Command): void {
  const bench = program
    .command('bench')
    .description(
      'Benchmarks: start Pulse from dist/ on temp data and measure it (run `npm run build` first)',
    );

  bench
    .command('ingest')
    .description(
      'HTTP ingestion throughput and latency, against the raw append rate of the same event store',
    )
    .option('--json', 'also print the result as one JSON object on the last stdout line')
    .option(
      '--duration <s>',
      'seconds per measured phase',
      positiveNumber('--duration'),
      INGEST_DEFAULTS.durationS,
    )
    .option(
      '--rate <n>',
      'single-event POSTs per second in the latency phase',
      positiveNumber('--rate'),
      INGEST_DEFAULTS.rate,
    )
    .action(async (options: { json?: boolean; duration: number; rate: number }) => {
      const result = await runIngestBench({
        ...INGEST_DEFAULTS,
        durationS: options.duration,
        rate: options.rate,
      });
      process.stdout.write(`${formatIngestReport(result)}\n`);
      if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    });

  // replay and freshness are registered by their own file, by the engineers who own them.
  registerReadSideBenches(bench);
  registerServingBenches(bench);
  registerLearningLoopBench(bench);
  registerScoringBench(bench);
}

/** `pulse bench scoring`: scoring latency of every recommendation model on a synthetic catalogue. */
function registerScoringBench(bench: Command): void {
  const d = SCORING_DEFAULTS;
  bench
    .command('scoring')
    .description(
      'Scoring latency of every recommendation model at N items (synthetic data in memory, no service): ' +
        'fit cheaply (deep models: 1 epoch), then scoreAll per history and scoreBatch per batch',
    )
    .option('--json', 'also print the result as one JSON object on the last stdout line')
    .option('--items <n>', 'catalogue size', wholeNumber('--items', 1), d.items)
    .option('--users <n>', 'training users (5-30 items each)', wholeNumber('--users', 1), d.users)
    .option(
      '--models <list>',
      `comma-separated model names, or all, baselines, deep (${scoringModelNames().join(', ')}); ` +
        'ease is left out of a group above 16000 items unless named',
      modelList,
      [...d.models],
    )
    .option(
      '--histories <n>',
      'held-out histories timed one at a time (scoreAll)',
      wholeNumber('--histories', 1),
      d.histories,
    )
    .option('--batch <n>', 'histories per scoreBatch call', wholeNumber('--batch', 1), d.batch)
    .option('--seed <n>', 'data and model seed', wholeNumber('--seed', 0), d.seed)
    .action(
      async (o: {
        json?: boolean;
        items: number;
        users: number;
        models: string[];
        histories: number;
        batch: number;
        seed: number;
      }) => {
        const result = await runScoringBench({
          items: o.items,
          users: o.users,
          models: o.models,
          histories: o.histories,
          batch: o.batch,
          seed: o.seed,
        });
        process.stdout.write(`${formatScoringReport(result)}\n`);
        if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        if (result.failed.length > 0) process.exitCode = 1;
      },
    );
}

function modelList(value: string): string[] {
  const names = value.split(',');
  try {
    selectScoringModels(names, 0); // names only: throws on an unknown one
  } catch (e) {
    throw new InvalidArgumentError(`--models: ${(e as Error).message}.`);
  }
  return names;
}

/** A whole number >= min (one parser for both the counts and the seed). */
