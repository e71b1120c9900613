/**
 * A decider is an aggregate written as three pure functions (Emmett /
 * EventSourcing.NodeJS style): state is the fold of past events, and a command
 * is decided against that state into new events. No I/O, no clock, no Nest:
 * whatever a decision needs (the time, the catalog) arrives in the command.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

export interface Decider<State, Command, Event extends DomainEvent> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Event) => State;
  /** Returns the events the command causes; [] when it changes nothing (e.g. a duplicate). Throws DomainRuleViolation to reject. */
  readonly decide: (command: Command, state: State) => Event[];
}
