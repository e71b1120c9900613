import { type Command, InvalidArgumentError } from 'commander';
import { LEARNING_LOOP_DEFAULTS, runLearningLoopBench } from './learning-loop.bench';
import { formatLearningLoopReport } from './learning-loop-report';

/** `pulse bench learning-loop`: registered from bench.command.ts; options are the bench's sizes. */
export function registerLearningLoopBench(bench: Command): void {
  const d = LEARNING_LOOP_DEFAULTS;
  bench
    .command('learning-loop')
    .description('The learning loop in a simulated shop whose interests shift: HR@10 per batch with the saga on vs off, event -> weights, refresh -> SSE, serving latency while training')
    .option('--json', 'also print the result as one JSON object on the last stdout line')
    .option('--seed <n>', 'shop seed', integer('--seed'), d.seed)
    .option('--items <n>', 'catalog size', integer('--items'), d.items)
    .option('--shoppers <n>', 'registered shoppers', integer('--shoppers'), d.shoppers)
    .option('--history <n>', 'events the champion is trained on', integer('--history'), d.historyEvents)
    .option('--batches <n>', 'live batches per arm', integer('--batches'), d.batches)
    .option('--batch-events <n>', 'events per live batch', integer('--batch-events'), d.batchEvents)
    .option('--shift-at <n>', 'live batch before which interests shift', integer('--shift-at'), d.shiftAtBatch)
    .option('--epochs <n>', 'champion training epochs', integer('--epochs'), d.epochs)
    .action(async (o: { json?: boolean; seed: number; items: number; shoppers: number; history: number; batches: number; batchEvents: number; shiftAt: number; epochs: number }) => {
      if (o.shiftAt >= o.batches) throw new InvalidArgumentError(`--shift-at must be below --batches (${o.batches}), got ${o.shiftAt}`);
      const result = await runLearningLoopBench({
        ...d,
        seed: o.seed,
        items: o.items,
        shoppers: o.shoppers,
        historyEvents: o.history,
        batches: o.batches,
        batchEvents: o.batchEvents,
        shiftAtBatch: o.shiftAt,
        epochs: o.epochs,
      });
      process.stdout.write(`${formatLearningLoopReport(result)}\n`);
      if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}

function integer(option: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${option} must be a whole number >= 0, got ${value}`);
    return n;
  };
}
