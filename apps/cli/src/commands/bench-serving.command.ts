import { type Command, InvalidArgumentError } from 'commander';
import { CTR_DEFAULTS, runCtrBench } from '../bench/ctr.bench';
import { formatCtrReport } from '../bench/ctr-report';
import { runRecommendBench } from '../bench/recommend.bench';
import { runSearchBench } from '../bench/search.bench';
import {
  SERVING_DEFAULTS,
  type ServingBenchConfig,
  type ServingBenchResult,
} from '../bench/serving-bench';
import { formatServingReport } from '../bench/serving-report';
import { parseSizes } from '../bench/serving-stats';
import { positiveNumber, wholeNumber } from './cli-arguments';

/**
 * The serving benchmarks under `pulse bench`: recommendation and search
 * latency against two baselines, and a closed-loop CTR A/B test in a
 * simulated shop. Same output rules as `bench ingest`: progress on stderr, a
 * readable report on stdout, and with --json the whole result as the last
 * stdout line.
 */
export function registerServingBenches(bench: Command): void {
  const serving = (
    name: string,
    description: string,
    run: (config: ServingBenchConfig) => Promise<ServingBenchResult>,
  ) =>
    bench
      .command(name)
      .description(description)
      .option('--json', 'also print the result as one JSON object on the last stdout line')
      .option(
        '--items <sizes>',
        'catalog sizes, comma-separated (10k, 100k allowed)',
        sizes,
        SERVING_DEFAULTS.sizes,
      )
      .option(
        '--duration <s>',
        'measured seconds per route (split over the rounds)',
        positiveNumber('--duration'),
        SERVING_DEFAULTS.durationS,
      )
      .option(
        '--concurrency <n>',
        'keep-alive connections, each sending its next request when answered',
        wholeNumber('--concurrency', 1),
        SERVING_DEFAULTS.concurrency,
      )
      .option(
        '--rounds <n>',
        'rounds that alternate the routes (spreads a changing machine load over all of them)',
        wholeNumber('--rounds', 1),
        SERVING_DEFAULTS.rounds,
      )
      .option(
        '--warmup <s>',
        'unmeasured seconds per route first',
        positiveNumber('--warmup'),
        SERVING_DEFAULTS.warmupS,
      )
      .option(
        '--events-per-item <n>',
        'interaction events of history per catalog item, on average',
        positiveNumber('--events-per-item'),
        SERVING_DEFAULTS.eventsPerItem,
      )
      .option(
        '--seed <n>',
        'seed of the synthetic shop and the request mix',
        wholeNumber('--seed', 1),
        SERVING_DEFAULTS.seed,
      )
      .option(
        '--cache <dir>',
        'keep the written shop and its built read models in <dir> and reuse them (for 12 h) in later runs',
      )
      .action(
        async (options: {
          json?: boolean;
          items: number[];
          duration: number;
          concurrency: number;
          rounds: number;
          warmup: number;
          eventsPerItem: number;
          seed: number;
          cache?: string;
        }) => {
          const result = await run({
            ...SERVING_DEFAULTS,
            sizes: options.items,
            durationS: options.duration,
            concurrency: options.concurrency,
            rounds: options.rounds,
            warmupS: options.warmup,
            eventsPerItem: options.eventsPerItem,
            seed: options.seed,
            ...(options.cache !== undefined && { cacheDir: options.cache }),
          });
          print(formatServingReport(result), options.json ? result : undefined);
        },
      );

  serving(
    'recommend',
    'GET /v1/shoppers/:id/recommendations latency and throughput, side by side with GET /v1/items/:id and a bare HTTP server',
    runRecommendBench,
  );
  serving(
    'search',
    'GET /v1/search latency and throughput, side by side with GET /v1/items/:id and a bare HTTP server',
    runSearchBench,
  );

  bench
    .command('ctr')
    .description(
      'Closed-loop A/B in a simulated shop: personalised vs popular recommendations, clicks from the click model; CTR, cart and purchase rates, coverage, Gini',
    )
    .option('--json', 'also print the result as one JSON object on the last stdout line')
    .option('--items <n>', 'catalog size', wholeNumber('--items', 1), CTR_DEFAULTS.items)
    .option(
      '--shoppers <n>',
      'registered shoppers in the shop',
      wholeNumber('--shoppers', 1),
      CTR_DEFAULTS.shoppers,
    )
    .option(
      '--sessions <n>',
      'visits played against Pulse',
      wholeNumber('--sessions', 1),
      CTR_DEFAULTS.sessions,
    )
    .option(
      '--concurrency <n>',
      'visits in progress at once',
      wholeNumber('--concurrency', 1),
      CTR_DEFAULTS.concurrency,
    )
    .option(
      '--events-per-item <n>',
      'interaction events of history per catalog item, on average',
      positiveNumber('--events-per-item'),
      CTR_DEFAULTS.eventsPerItem,
    )
    .option(
      '--seed <n>',
      'seed of the synthetic shop, the arms and the clicks',
      wholeNumber('--seed', 1),
      CTR_DEFAULTS.seed,
    )
    .action(
      async (options: {
        json?: boolean;
        items: number;
        shoppers: number;
        sessions: number;
        concurrency: number;
        eventsPerItem: number;
        seed: number;
      }) => {
        const result = await runCtrBench({
          ...CTR_DEFAULTS,
          items: options.items,
          shoppers: options.shoppers,
          sessions: options.sessions,
          concurrency: options.concurrency,
          eventsPerItem: options.eventsPerItem,
          seed: options.seed,
        });
        print(formatCtrReport(result), options.json ? result : undefined);
      },
    );
}

function print(report: string, json: unknown): void {
  process.stdout.write(`${report}\n`);
  if (json !== undefined) process.stdout.write(`${JSON.stringify(json, bigintsAsStrings)}\n`);
}

const bigintsAsStrings = (_key: string, value: unknown) =>
  typeof value === 'bigint' ? value.toString() : value;

function sizes(value: string): number[] {
  try {
    return parseSizes(value);
  } catch (error) {
    throw new InvalidArgumentError(`--items: ${(error as Error).message}`);
  }
}
