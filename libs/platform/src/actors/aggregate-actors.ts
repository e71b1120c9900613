import type { Decider, DomainEvent } from '../domain/decider';
import { StreamNotFoundError, WrongExpectedRevisionError } from '../event-store/event-store.errors';
import type {
  EventStore,
  EventToAppend,
  ExpectedRevision,
  RecordedEvent,
} from '../event-store/event-store.port';
import { AggregateCache } from './aggregate-cache';
import { KeyedMailbox, type Settled } from './keyed-mailbox';

/** How one kind of aggregate maps onto the event store. */
export interface AggregateBinding<State, Command, Event extends DomainEvent> {
  readonly decider: Decider<State, Command, Event>;
  streamId(key: string): string;
  /** What gets stored for a decided event: its id (deterministic where retries must be idempotent) and metadata. */
  toStored(event: Event, command: Command, indexInCommand: number): EventToAppend;
  /** A stored event back as a domain event (upcast and validated). */
  fromStored(recorded: RecordedEvent): Event;
}

export interface CommandOutcome<Event> {
  /** Events the command caused; empty when it changed nothing (a duplicate, an unchanged PUT). */
  readonly events: Event[];
  /** Stream revision after the command. -1n when the stream is still empty. */
  readonly revision: bigint;
  /** Global position of the append that carried the command's events (undefined when none). */
  readonly position?: bigint;
}

export interface AggregateSnapshot<State> {
  readonly state: State;
  readonly revision: bigint;
}

export interface AggregateActorsOptions {
  readonly maxCached: number;
  readonly idleMs: number;
  /** Appends lost to a concurrent writer in another process are retried after a reload this many times. */
  readonly maxConflictRetries?: number;
}

type Message<Command> = { kind: 'command'; command: Command } | { kind: 'read' };
type Reply<State, Event> = CommandOutcome<Event> | AggregateSnapshot<State>;
type Decision<State, Event> =
  | { kind: 'events'; events: Event[] }
  | { kind: 'snapshot'; state: State; appendedBefore: number }
  | { kind: 'error'; error: unknown };

/**
 * Actors for one kind of event-sourced aggregate: one per stream key, each
 * with a serial mailbox, its state cached between commands. Commands queued
 * for the same key while one append is in flight are decided together and
 * stored with a single append (group commit), still in order, each with its
 * own outcome. The expected revision on every append guards against writers
 * in other processes; on a conflict the actor reloads and decides again.
 */
export class AggregateActors<State, Command, Event extends DomainEvent> {
  private readonly cache: AggregateCache<State>;
  private readonly mailbox: KeyedMailbox<Message<Command>, Reply<State, Event>>;
  private readonly maxConflictRetries: number;

  constructor(
    private readonly store: EventStore,
    private readonly binding: AggregateBinding<State, Command, Event>,
    options: AggregateActorsOptions,
  ) {
    this.cache = new AggregateCache(options.maxCached, options.idleMs);
    this.mailbox = new KeyedMailbox((key, messages) => this.handle(key, messages));
    this.maxConflictRetries = options.maxConflictRetries ?? 3;
  }

  /** Decides and stores a command. Rejects with the decider's error when the command is refused. */
  execute(key: string, command: Command): Promise<CommandOutcome<Event>> {
    return this.mailbox.post(key, { kind: 'command', command }) as Promise<CommandOutcome<Event>>;
  }

  /** Current state, ordered after every command posted for this key before the call. */
  read(key: string): Promise<AggregateSnapshot<State>> {
    return this.mailbox.post(key, { kind: 'read' }) as Promise<AggregateSnapshot<State>>;
  }

  /** Passivates idle actors; call periodically. */
  sweep(): number {
    return this.cache.sweep((key) => this.mailbox.isBusy(key));
  }

  stats(): { cached: number; active: number } {
    return { cached: this.cache.size, active: this.mailbox.activeKeys };
  }

  private async handle(
    key: string,
    messages: Message<Command>[],
  ): Promise<Settled<Reply<State, Event>>[]> {
    for (let attempt = 0; ; attempt++) {
      const cached = this.cache.get(key);
      const current = cached ?? (await this.load(key));
      const decided = this.decideAll(current, messages);
      // A refusal decided on cached state may be wrong if another process has
      // written since; appends catch that through the expected revision, but a
      // refusal appends nothing, so check the stream's tail before refusing.
      if (cached && decided.refusedAny && (await this.hasNewerEvents(key, current.revision))) {
        this.cache.delete(key);
        continue;
      }
      if (decided.toAppend.length === 0) return decided.replies(current.revision, undefined);
      try {
        const expected: ExpectedRevision = current.revision < 0n ? 'no_stream' : current.revision;
        const result = await this.store.append(
          this.binding.streamId(key),
          decided.toAppend,
          expected,
        );
        this.cache.set(key, decided.state, result.nextRevision);
        return decided.replies(result.nextRevision, result.position);
      } catch (error) {
        // Unknown outcome or a concurrent writer: the cached state can't be trusted either way.
        this.cache.delete(key);
        if (error instanceof WrongExpectedRevisionError && attempt < this.maxConflictRetries) {
          continue;
        }
        throw error;
      }
    }
  }

  /** Decides every message against the evolving state; nothing is stored yet. */
  private decideAll(current: AggregateSnapshot<State>, messages: Message<Command>[]) {
    const { decider } = this.binding;
    let state = current.state;
    const toAppend: EventToAppend[] = [];
    const decisions: Decision<State, Event>[] = [];
    for (const message of messages) {
      if (message.kind === 'read') {
        decisions.push({ kind: 'snapshot', state, appendedBefore: toAppend.length });
        continue;
      }
      try {
        const events = decider.decide(message.command, state);
        for (const [i, event] of events.entries()) {
          state = decider.evolve(state, event);
          toAppend.push(this.binding.toStored(event, message.command, i));
        }
        decisions.push({ kind: 'events', events });
      } catch (error) {
        decisions.push({ kind: 'error', error });
      }
    }
    const replies = (revision: bigint, position: bigint | undefined) =>
      decisions.map((decision): Settled<Reply<State, Event>> => {
        switch (decision.kind) {
          case 'error':
            return { ok: false, error: decision.error };
          case 'events': {
            const carried = decision.events.length > 0 ? position : undefined;
            return { ok: true, value: { events: decision.events, revision, position: carried } };
          }
          case 'snapshot': {
            // A read sees the commands before it: its revision excludes events appended after it.
            const after = BigInt(toAppend.length - decision.appendedBefore);
            return { ok: true, value: { state: decision.state, revision: revision - after } };
          }
        }
      });
    const refusedAny = decisions.some((d) => d.kind === 'error');
    return { state, toAppend, replies, refusedAny };
  }

  private async hasNewerEvents(key: string, revision: bigint): Promise<boolean> {
    try {
      const newer = await this.store.readStream(this.binding.streamId(key), {
        fromRevision: revision + 1n,
        maxCount: 1,
      });
      return newer.length > 0;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return false;
      throw error;
    }
  }

  private async load(key: string): Promise<AggregateSnapshot<State>> {
    const { decider } = this.binding;
    let state = decider.initialState();
    let revision = -1n;
    try {
      const recorded = await this.store.readStream(this.binding.streamId(key));
      for (const event of recorded) {
        state = decider.evolve(state, this.binding.fromStored(event));
        revision = event.revision;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    this.cache.set(key, state, revision);
    return { state, revision };
  }
}
