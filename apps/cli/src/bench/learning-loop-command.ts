import { type Command, InvalidArgumentError } from 'commander';
import { LEARNING_LOOP_DEFAULTS, runLearningLoopBench } from './learning-loop.bench';
import { formatLearningLoopReport } from './learning-loop-report';
import { wholeNumber } from '../commands/cli-arguments';

/** `pulse bench learning-loop`: registered from bench.command.ts; options are the bench's sizes. */
export function registerLearningLoopBench(bench: Command): void {
  const d = LEARNING_LOOP_DEFAULTS;
  bench
    .command('learning-loop')
    .description('The learning loop in a simulated shop whose interests shift: HR@10 per batch with the saga on vs off, event -> weights, refresh -> SSE, serving latency while training')
    .option('--json', 'also print the result as one JSON object on the last stdout line')
    .option('--seed <n>', 'shop seed', wholeNumber('--seed', 0), d.seed)
    .option('--items <n>', 'catalog size', wholeNumber('--items', 0), d.items)
    .option('--shoppers <n>', 'registered shoppers', wholeNumber('--shoppers', 0), d.shoppers)
    .option('--history <n>', 'events the champion is trained on', wholeNumber('--history', 0), d.historyEvents)
    .option('--batches <n>', 'live batches per arm', wholeNumber('--batches', 0), d.batches)
    .option('--batch-events <n>', 'events per live batch', wholeNumber('--batch-events', 0), d.batchEvents)
    .option('--shift-at <n>', 'live batch before which interests shift', wholeNumber('--shift-at', 0), d.shiftAtBatch)
    .option('--epochs <n>', 'champion training epochs', wholeNumber('--epochs', 0), d.epochs)
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
