import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { itemView } from '../domain/item.decider';
import { ExecuteItemCommand, type ItemCommandResult } from './item.command';
import { ITEM_ACTORS, type ItemActors } from './item-actors.provider';

@CommandHandler(ExecuteItemCommand)
export class ItemCommandHandler implements ICommandHandler<ExecuteItemCommand, ItemCommandResult> {
  constructor(@Inject(ITEM_ACTORS) private readonly items: ItemActors) {}

  async execute({ itemId, command, context }: ExecuteItemCommand): Promise<ItemCommandResult> {
    // Posted to the mailbox together, so the read sees exactly this command's effect.
    const outcome = this.items.execute(itemId, { command, context });
    const snapshot = this.items.read(itemId);
    const [done, after] = await Promise.all([outcome, snapshot.catch(() => null)]);
    return { ...done, item: after ? itemView(after.state) : null };
  }
}
