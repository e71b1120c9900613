import type { Decider, DomainEvent } from '@pulse/platform/domain/decider';

/**
 * Given/when/then for pure deciders (Emmett's DeciderSpecification):
 *
 *   const spec = DeciderSpecification.for(itemDecider);
 *   spec.given([listed]).when(changePrice).then([priceChanged]);
 *   spec.given([]).when(changePrice).thenThrows(DomainRuleViolation, (e) => e.code === 'item_not_found');
 *   spec.given([listed]).when(sameItemAgain).thenNothing();
 *
 * The past is given as events, never as a hand-built state, so the tests also
 * exercise `evolve` and can't depend on the state's internal shape. The
 * command is decided only in the `then*` step, so a throw is caught there.
 */

type ErrorClass<E extends Error> = abstract new (...args: any[]) => E;
type ErrorPredicate<E> = (error: E) => boolean;

export interface WhenStep<Event extends DomainEvent> {
  /** The command produced exactly these events, in this order. */
  then(expected: readonly Event[]): void;
  /** The command produced no events (an idempotent repeat or a no-op). */
  thenNothing(): void;
  // The predicate-only overload comes first so an untyped arrow gets `unknown`
  // for its parameter instead of an implicit any.
  /** The command was refused with an error matching the predicate. */
  thenThrows(predicate: ErrorPredicate<unknown>): void;
  /** The command was refused with an error of this class (and, when given, matching the predicate). */
  thenThrows<E extends Error>(errorClass: ErrorClass<E>, predicate?: ErrorPredicate<E>): void;
}

export interface GivenStep<Command, Event extends DomainEvent> {
  when(command: Command): WhenStep<Event>;
}

export class DeciderSpecification<State, Command, Event extends DomainEvent> {
  private constructor(private readonly decider: Decider<State, Command, Event>) {}

  static for<State, Command, Event extends DomainEvent>(
    decider: Decider<State, Command, Event>,
  ): DeciderSpecification<State, Command, Event> {
    return new DeciderSpecification(decider);
  }

  given(events: readonly Event[]): GivenStep<Command, Event> {
    return {
      when: (command) => this.whenStep(events, command),
    };
  }

  private whenStep(given: readonly Event[], command: Command): WhenStep<Event> {
    const decide = (): Event[] => {
      const state = given.reduce(this.decider.evolve, this.decider.initialState());
      const events = this.decider.decide(command, state);
      // Whatever decide returns must be foldable back into state, or the
      // actor would store events it can't replay.
      events.reduce(this.decider.evolve, state);
      return events;
    };

    // toEqual, not toStrictEqual: an `undefined` property and a missing one
    // are the same once the event is stored as JSON.
    return {
      then: (expected) => {
        expect(decide()).toEqual(expected);
      },
      thenNothing: () => {
        expect(decide()).toEqual([]);
      },
      thenThrows: (
        classOrPredicate: ErrorClass<Error> | ErrorPredicate<unknown>,
        predicate?: ErrorPredicate<any>,
      ) => {
        let thrown: unknown;
        let produced: Event[] | undefined;
        try {
          produced = decide();
        } catch (error) {
          thrown = error;
        }
        if (produced !== undefined) {
          throw new Error(
            `Expected the command to be refused, but it produced ${JSON.stringify(produced)}`,
          );
        }
        if (isErrorClass(classOrPredicate)) {
          expect(thrown).toBeInstanceOf(classOrPredicate);
          if (predicate) expectMatch(predicate, thrown);
        } else {
          expectMatch(classOrPredicate, thrown);
        }
      },
    };
  }
}

function isErrorClass(value: unknown): value is ErrorClass<Error> {
  // Arrow functions (the usual predicates) have no prototype; error classes
  // have one that is, or inherits from, Error's.
  return (
    typeof value === 'function' &&
    (value === Error || (value.prototype as unknown) instanceof Error)
  );
}

function expectMatch(predicate: ErrorPredicate<any>, error: unknown): void {
  if (!predicate(error)) {
    // Show the error's own fields (code, field, ...) so a failure says what was thrown.
    throw new Error(`The thrown error did not match the predicate: ${describeError(error)}`);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    return `${error.name}: ${error.message} ${JSON.stringify({ ...error })}`;
  }
  return JSON.stringify(error);
}
