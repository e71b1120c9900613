import type { Decider, DomainEvent } from '../domain/decider';
import type { EventMetadata } from '../events/event-metadata';
import type { EventRegistry } from '../events/event-registry';
import type { AggregateBinding } from './aggregate-actors';

/** Who asked and when: travels with a command into the metadata of the events it causes. */
export interface CommandContext {
  readonly correlationId: string;
  readonly causationId: string;
  /** The server's clock when the request arrived (ISO 8601). */
  readonly receivedAt: string;
}

export interface Envelope<Command> {
  readonly command: Command;
  readonly context: CommandContext;
}

export interface BindingOptions<State, Command, Event extends DomainEvent> {
  readonly decider: Decider<State, Command, Event>;
  readonly registry: EventRegistry;
  readonly streamId: (key: string) => string;
  /** Store id of a decided event: derive it deterministically where clients retry. */
  readonly eventId: (event: Event, command: Command, indexInCommand: number) => string;
  /** When the event happened by the client's clock; defaults to receivedAt. */
  readonly occurredAt?: (event: Event, command: Command) => string;
  readonly clientEventId?: (command: Command) => string | undefined;
}

/**
 * Binds a pure decider to the store: commands travel in an envelope with
 * their context, events are validated against the registry on the way in and
 * upcast on the way out, and every stored event carries the metadata that
 * subscribers rely on (docs/events.md).
 */
export function eventSourcedBinding<State, Command, Event extends DomainEvent>(
  options: BindingOptions<State, Command, Event>,
): AggregateBinding<State, Envelope<Command>, Event> {
  const { decider, registry } = options;
  return {
    decider: {
      initialState: decider.initialState,
      evolve: decider.evolve,
      decide: (envelope, state) => decider.decide(envelope.command, state),
    },
    streamId: options.streamId,
    toStored(event, { command, context }, index) {
      const data = registry.validateForWrite(event.type, event.data) as Record<string, unknown>;
      const clientEventId = options.clientEventId?.(command);
      const metadata: EventMetadata = {
        correlationId: context.correlationId,
        causationId: context.causationId,
        ...(clientEventId !== undefined && { clientEventId }),
        occurredAt: options.occurredAt?.(event, command) ?? context.receivedAt,
        receivedAt: context.receivedAt,
        schemaVersion: registry.definition(event.type).schemaVersion,
      };
      return {
        eventId: options.eventId(event, command, index),
        type: event.type,
        data,
        metadata: { ...metadata },
      };
    },
    fromStored(recorded) {
      const version = Number(recorded.metadata.schemaVersion ?? 1);
      return { type: recorded.type, data: registry.decode(recorded.type, recorded.data, version) } as Event;
    },
  };
}
