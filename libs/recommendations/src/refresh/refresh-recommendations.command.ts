import type { RefreshTrigger } from './recommendations-refreshed.event';

/** Recompute these shoppers' lists and publish them (RecommendationsRefreshed). */
export class RefreshRecommendations {
  constructor(
    readonly shopperIds: readonly string[],
    readonly trigger: RefreshTrigger,
    /** Log position of the cause; the read models are caught up to it first. */
    readonly causedByPosition?: string,
  ) {}
}

/** Check whether these shoppers' interests moved enough since their last list (and refresh those that did). */
export class CheckInterestShifts {
  constructor(
    readonly shopperIds: readonly string[],
    readonly upToPosition: string,
  ) {}
}
