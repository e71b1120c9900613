import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { UpdateOutcome } from './incremental-trainer';
import { LearningService } from './learning.service';
import { UpdateModelIncrementally } from './update-model-incrementally.command';

/** Hands the batch to the model's trainer actor (one writer per model). */
@CommandHandler(UpdateModelIncrementally)
export class UpdateModelIncrementallyHandler implements ICommandHandler<UpdateModelIncrementally, UpdateOutcome | undefined> {
  constructor(private readonly learning: LearningService) {}

  execute(command: UpdateModelIncrementally): Promise<UpdateOutcome | undefined> {
    return this.learning.update(command);
  }
}
