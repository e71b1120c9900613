/**
 * Exponentially time-decayed scores that give the same numbers on every
 * replay. A score is stored as the value it had at one instant (`at`, epoch
 * ms taken from an event, never from a clock), so nothing has to be rewritten
 * as time passes: a reader decays it to "now" when it reads it.
 *
 * Why value + instant instead of a running "decay everything every hour" job:
 * the projection must be a pure fold of the log. With `{ value, at }` the
 * result depends only on the events, so a rebuild next month gives exactly
 * today's documents.
 */
export interface DecayedScore {
  readonly value: number;
  /** Epoch milliseconds the value refers to. */
  readonly at: number;
}

/** `2^(-elapsed/halfLife)`: 0.5 after one half-life, 0.25 after two. */
export function decayFactor(elapsedMs: number, halfLifeMs: number): number {
  assertHalfLife(halfLifeMs);
  if (elapsedMs <= 0) return 1;
  return 2 ** (-elapsedMs / halfLifeMs);
}

/**
 * Adds `weight` at instant `at`.
 *
 * In order (at >= score.at): the stored value decays to `at`, then the weight
 * is added; the score now refers to `at`.
 * Slightly out of order (at < score.at, e.g. a mobile client's buffered
 * event): the score keeps its later instant and the weight is decayed by how
 * much older it is. Moving the score back in time instead would inflate the
 * stored value (decay run backwards), and the result would depend on arrival
 * order; this way both orders give the same number up to rounding.
 */
export function addDecayed(
  score: DecayedScore | undefined,
  weight: number,
  at: number,
  halfLifeMs: number,
): DecayedScore {
  assertHalfLife(halfLifeMs);
  assertInstant(at);
  if (!Number.isFinite(weight)) throw new RangeError(`weight must be finite, got ${weight}`);
  if (score === undefined) return { value: weight, at };
  if (at >= score.at) {
    return { value: score.value * decayFactor(at - score.at, halfLifeMs) + weight, at };
  }
  return { value: score.value + weight * decayFactor(score.at - at, halfLifeMs), at: score.at };
}

/**
 * The score's value at `now`. A `now` before the score's instant (a reader
 * whose clock is behind the event times) gets the stored value: running decay
 * backwards would make a score grow, and a recent score is not worth more
 * because a clock is late.
 */
export function valueAt(score: DecayedScore | undefined, now: number, halfLifeMs: number): number {
  if (score === undefined) return 0;
  return score.value * decayFactor(now - score.at, halfLifeMs);
}

/**
 * A number that sorts decayed scores of one half-life the same way at ANY
 * common instant: `log2(value) + at/halfLife`, because
 * `log2(valueAt(s, now)) = log2(value) + at/halfLife - now/halfLife`, and the
 * last term is the same for every score. Stored next to a score it lets a
 * database index order "most popular now" without knowing now. Scores at or
 * below zero have no logarithm and sort last.
 */
export function decayedRank(score: DecayedScore | undefined, halfLifeMs: number): number {
  assertHalfLife(halfLifeMs);
  if (score === undefined || !(score.value > 0)) return -Number.MAX_VALUE;
  return Math.log2(score.value) + score.at / halfLifeMs;
}

function assertHalfLife(halfLifeMs: number): void {
  if (!(Number.isFinite(halfLifeMs) && halfLifeMs > 0)) {
    throw new RangeError(`halfLifeMs must be a positive finite number, got ${halfLifeMs}`);
  }
}

function assertInstant(at: number): void {
  if (!Number.isFinite(at)) throw new RangeError(`at must be epoch milliseconds, got ${at}`);
}
