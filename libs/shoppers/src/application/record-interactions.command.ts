import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@pulse/platform/actors/event-sourced-binding';
import type { EventResult, InteractionWireEvent } from '../http/interaction.wire-schema';

export interface RecordInteractionsResult {
  /** One per interaction, in request order. */
  readonly results: EventResult[];
  /** Global position covering every accepted event (the log head when none was). */
  readonly position: bigint;
}

/** A batch of shopper interactions as the shop sent them, already validated. */
export class RecordInteractionsCommand extends Command<RecordInteractionsResult> {
  constructor(
    readonly interactions: readonly InteractionWireEvent[],
    readonly context: CommandContext,
  ) {
    super();
  }
}
