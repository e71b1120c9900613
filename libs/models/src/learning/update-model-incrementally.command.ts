import type { Interaction } from './interaction';

/** Train the named model's live weights on these interactions (the saga's flushed buffer). */
export class UpdateModelIncrementally {
  constructor(
    readonly model: string,
    readonly batch: readonly Interaction[],
    /** Interactions the back-pressure bound dropped since the previous batch. */
    readonly dropped: number,
    /** Why the buffer was flushed: `count` or `age`. */
    readonly flushedBecause: string,
  ) {}
}
