import { type ModelStreamEvent, startingWeightsOf } from './starting-weights';

/**
 * Which weights a start, a promotion or a rollback loads, folded from the
 * model's stream: given the recorded events, when folded, then the choice.
 */
const trained = (version: number): ModelStreamEvent => ({
  type: 'ModelTrained',
  data: { model: 'shop', version },
});
const promoted = (version: number): ModelStreamEvent => ({
  type: 'ModelPromoted',
  data: { model: 'shop', version },
});
const rolledBack = (fromVersion: number, toVersion: number): ModelStreamEvent => ({
  type: 'ModelRolledBack',
  data: { model: 'shop', fromVersion, toVersion },
});
const files = (version: number, increment: number) => ({
  store: 'files',
  key: `shop/${version}+${increment}`,
});
/** A swapped update with its stored files. */
const swapped = (version: number, increment: number): ModelStreamEvent => ({
  type: 'ModelIncrementallyUpdated',
  data: { model: 'shop', version, increment, swapped: true, artifact: files(version, increment) },
});
const keptOut = (version: number, increment: number): ModelStreamEvent => ({
  type: 'ModelIncrementallyUpdated',
  data: { model: 'shop', version, increment, swapped: false },
});
/** As recorded before updates were stored: swapped, but no files to load. */
const swappedUnstored = (version: number, increment: number): ModelStreamEvent => ({
  type: 'ModelIncrementallyUpdated',
  data: { model: 'shop', version, increment, swapped: true },
});

const champion1 = [trained(1), promoted(1)];

describe('starting weights', () => {
  it('given no promotion, when folded, then there is nothing to load', () => {
    expect(startingWeightsOf([trained(1)])).toBeUndefined();
    expect(startingWeightsOf([])).toBeUndefined();
  });

  it('given a champion the loop never updated, when folded, then it starts as trained', () => {
    expect(startingWeightsOf(champion1)).toEqual({ version: 1, stored: [], attempts: 0 });
  });

  it('given several swapped increments, when folded, then it starts from the last one', () => {
    const choice = startingWeightsOf([...champion1, swapped(1, 1), swapped(1, 2), swapped(1, 3)]);
    expect(choice).toEqual({
      version: 1,
      increment: { increment: 3, artifact: files(1, 3) },
      stored: [1, 2, 3],
      attempts: 3,
    });
  });

  it('given attempts kept out after the last swap, when folded, then they are ignored but their numbers are not reused', () => {
    const choice = startingWeightsOf([
      ...champion1,
      keptOut(1, 1),
      swapped(1, 2),
      keptOut(1, 3),
      keptOut(1, 4),
    ]);
    expect(choice?.increment).toEqual({ increment: 2, artifact: files(1, 2) });
    expect(choice?.attempts).toBe(4);
  });

  it('given swaps recorded before their weights were stored, when folded, then only stored ones count', () => {
    expect(startingWeightsOf([...champion1, swappedUnstored(1, 1), swappedUnstored(1, 2)])).toEqual(
      {
        version: 1,
        stored: [],
        attempts: 2,
      },
    );
    expect(
      startingWeightsOf([...champion1, swapped(1, 3), swappedUnstored(1, 4)])?.increment,
    ).toEqual({
      increment: 3,
      artifact: files(1, 3),
    });
  });

  it("given a promotion after increments of the old champion, when folded, then the new champion starts from its own weights, not the old one's", () => {
    const history = [...champion1, swapped(1, 1), swapped(1, 2), trained(2), promoted(2)];
    expect(startingWeightsOf(history)).toEqual({ version: 2, stored: [], attempts: 0 });
    // An increment of version 1 recorded late (its update finished after the promotion) still is not version 2's.
    expect(startingWeightsOf([...history, swapped(1, 3), swapped(2, 1)])).toEqual({
      version: 2,
      increment: { increment: 1, artifact: files(2, 1) },
      stored: [1],
      attempts: 1,
    });
  });

  it('given a rollback, when folded, then the restored champion continues from its own latest increment', () => {
    const history = [
      ...champion1,
      swapped(1, 1),
      swapped(1, 2),
      keptOut(1, 3),
      trained(2),
      promoted(2),
      swapped(2, 1),
      swapped(2, 2),
      swapped(2, 3),
      swapped(2, 4),
      rolledBack(2, 1),
    ];
    expect(startingWeightsOf(history)).toEqual({
      version: 1,
      increment: { increment: 2, artifact: files(1, 2) },
      stored: [1, 2],
      attempts: 3,
    });
  });

  it('given a rollback to a champion the loop never updated, when folded, then it starts as trained', () => {
    const history = [...champion1, trained(2), promoted(2), swapped(2, 1), rolledBack(2, 1)];
    expect(startingWeightsOf(history)).toEqual({ version: 1, stored: [], attempts: 0 });
  });

  it('given a version named by the caller (the registry state serving read), when folded, then that version is chosen whatever the events say', () => {
    const history = [...champion1, swapped(1, 1), trained(2), promoted(2)];
    expect(startingWeightsOf(history, 1)?.increment).toEqual({
      increment: 1,
      artifact: files(1, 1),
    });
    expect(startingWeightsOf([], 4)).toEqual({ version: 4, stored: [], attempts: 0 });
  });
});
