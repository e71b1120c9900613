import 'reflect-metadata';
import { Command } from 'commander';
import { registerBenchCommand } from './commands/bench.command';
import { registerDatasetCommand } from './commands/dataset.command';
import { registerEvaluateCommand } from './commands/evaluate.command';
import { registerModelsCommand } from './commands/models.command';
import { registerProjectionsCommand } from './commands/projections.command';
import { registerSimulateCommand } from './commands/simulate.command';

const program = new Command()
  .name('pulse')
  .description('Pulse admin, evaluation and benchmark commands')
  .showHelpAfterError();

registerBenchCommand(program);
registerDatasetCommand(program);
registerEvaluateCommand(program);
registerModelsCommand(program);
registerProjectionsCommand(program);
registerSimulateCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`pulse: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
