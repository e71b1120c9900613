import { type Command, InvalidArgumentError } from 'commander';
import { formatIngestReport, INGEST_DEFAULTS, runIngestBench } from '../bench/ingest.bench';
import { registerLearningLoopBench } from '../bench/learning-loop-command';
import { registerReadSideBenches } from './bench-read-side.command';
import { registerServingBenches } from './bench-serving.command';

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
}

function positiveNumber(option: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${option} must be a positive number.`);
    return n;
  };
}
