import type { Decider, DomainEvent } from '@pulse/platform/domain/decider';
import { DomainRuleViolation } from '@pulse/platform/domain/domain-rule-violation';
import { DeciderSpecification } from './given-when-then';

// A counter small enough that every outcome of the helper can be provoked.
type Added = DomainEvent<'Added', { amount: number }>;
type Add = { type: 'Add'; amount: number };

const counter: Decider<number, Add, Added> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.amount,
  decide: (command, total) => {
    if (command.amount < 0)
      throw new DomainRuleViolation('negative', 'no negative amounts', 'amount');
    if (total + command.amount > 10) throw new RangeError('over the limit');
    return command.amount === 0 ? [] : [{ type: 'Added', data: { amount: command.amount } }];
  },
};

const added = (amount: number): Added => ({ type: 'Added', data: { amount } });
const spec = DeciderSpecification.for(counter);

describe('DeciderSpecification', () => {
  it('passes when the command produces the expected events', () => {
    spec
      .given([added(2)])
      .when({ type: 'Add', amount: 3 })
      .then([added(3)]);
  });

  it('folds the given events before deciding', () => {
    expect(() =>
      spec
        .given([added(9)])
        .when({ type: 'Add', amount: 2 })
        .then([added(2)]),
    ).toThrow('over the limit');
  });

  it('fails when the events differ', () => {
    expect(() =>
      spec
        .given([])
        .when({ type: 'Add', amount: 3 })
        .then([added(4)]),
    ).toThrow();
  });

  it('thenNothing passes on no events and fails on some', () => {
    spec.given([]).when({ type: 'Add', amount: 0 }).thenNothing();
    expect(() => spec.given([]).when({ type: 'Add', amount: 1 }).thenNothing()).toThrow();
  });

  it('thenThrows accepts an error class, a class and a predicate, or a predicate', () => {
    const negative = spec.given([]).when({ type: 'Add', amount: -1 });
    negative.thenThrows(DomainRuleViolation);
    negative.thenThrows(
      DomainRuleViolation,
      (error) => error.code === 'negative' && error.field === 'amount',
    );
    negative.thenThrows((error) => error instanceof DomainRuleViolation);
    spec
      .given([added(10)])
      .when({ type: 'Add', amount: 1 })
      .thenThrows(Error);
  });

  it('thenThrows fails on the wrong class, a failed predicate, or no error', () => {
    const negative = spec.given([]).when({ type: 'Add', amount: -1 });
    expect(() => negative.thenThrows(RangeError)).toThrow();
    expect(() =>
      negative.thenThrows(DomainRuleViolation, (error) => error.code === 'other'),
    ).toThrow(/negative/);
    expect(() => spec.given([]).when({ type: 'Add', amount: 1 }).thenThrows(Error)).toThrow(
      /produced/,
    );
  });
});
