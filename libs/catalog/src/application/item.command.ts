import { Command } from '@nestjs/cqrs';
import type { CommandOutcome } from '@pulse/platform/actors/aggregate-actors';
import type { CommandContext } from '@pulse/platform/actors/event-sourced-binding';
import type { ItemCommand } from '../domain/item.decider';
import type { ItemEvent } from '../domain/item.events';
import type { ItemView } from '../domain/item.decider';

export interface ItemCommandResult extends CommandOutcome<ItemEvent> {
  /** The item after the command (null only for an item never listed). */
  readonly item: ItemView | null;
}

/** Any write to one catalog item (list/update, price, stock, delist), on the bus. */
export class ExecuteItemCommand extends Command<ItemCommandResult> {
  constructor(
    readonly itemId: string,
    readonly command: ItemCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}
