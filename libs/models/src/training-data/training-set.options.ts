import {
  DEFAULT_INTERACTION_WEIGHTS,
  type InteractionWeights,
} from '@pulse/shoppers/projections/interaction-weights';

/**
 * Settings of the event-store -> training-set transformation. Every cleaning
 * threshold is a parameter (and recorded in the export's manifest), because
 * what counts as a bot depends on the shop's traffic.
 */
export interface TrainingSetOptions {
  /**
   * Shoppers whose busiest `rateWindowMs` holds more than this many events per
   * minute are dropped whole (crawlers, load tests, scripted accounts).
   * Purchases don't count: every order line of a checkout arrives together.
   */
  readonly maxEventsPerMinute: number;
  readonly rateWindowMs: number;
  /**
   * A run of at least `burstMinEvents` views and searches, each less than
   * `burstGapMs` after the previous one, is machine-speed browsing: the run
   * is dropped, the rest of the shopper kept.
   */
  readonly burstGapMs: number;
  readonly burstMinEvents: number;
  /**
   * Weight of each kept interaction, by its strongest action (same scale as
   * the shopper-profile projection's affinities). Only view, add_to_cart and
   * purchase make sequence entries.
   */
  readonly weights: Pick<InteractionWeights, 'view' | 'add_to_cart' | 'purchase'>;
  /** Shoppers with fewer kept interactions are left out of the users data. */
  readonly minUserInteractions: number;
  /** Sessions with fewer kept interactions are left out of the sessions data (one item predicts nothing). */
  readonly minSessionInteractions: number;
  /** Shares of kept interactions (by time) for validation and test; the earliest rest is training. */
  readonly validationFraction: number;
  readonly testFraction: number;
  /** Explicit cut-offs (epoch ms), overriding the fractions. */
  readonly validationFrom?: number;
  readonly testFrom?: number;
  /** Longest history kept in a prefix -> target case (SASRec-style models read at most ~50). */
  readonly maxHistory: number;
}

export const DEFAULT_TRAINING_SET_OPTIONS: TrainingSetOptions = {
  // A person reading product pages manages a few per minute; 30 leaves room for fast skimmers.
  maxEventsPerMinute: 30,
  rateWindowMs: 60_000,
  burstGapMs: 1_000,
  burstMinEvents: 5,
  weights: {
    view: DEFAULT_INTERACTION_WEIGHTS.view,
    add_to_cart: DEFAULT_INTERACTION_WEIGHTS.add_to_cart,
    purchase: DEFAULT_INTERACTION_WEIGHTS.purchase,
  },
  minUserInteractions: 1,
  minSessionInteractions: 2,
  validationFraction: 0.1,
  testFraction: 0.1,
  maxHistory: 50,
};

/** Defaults filled in and every value checked; errors name the option. */
export function resolveTrainingSetOptions(
  partial: Partial<TrainingSetOptions> = {},
): TrainingSetOptions {
  // Only known keys, picked one by one: callers pass wider objects (the
  // builder's options), and the result is written to the export's manifest.
  const d = DEFAULT_TRAINING_SET_OPTIONS;
  const o: TrainingSetOptions = {
    maxEventsPerMinute: partial.maxEventsPerMinute ?? d.maxEventsPerMinute,
    rateWindowMs: partial.rateWindowMs ?? d.rateWindowMs,
    burstGapMs: partial.burstGapMs ?? d.burstGapMs,
    burstMinEvents: partial.burstMinEvents ?? d.burstMinEvents,
    weights: { ...d.weights, ...partial.weights },
    minUserInteractions: partial.minUserInteractions ?? d.minUserInteractions,
    minSessionInteractions: partial.minSessionInteractions ?? d.minSessionInteractions,
    validationFraction: partial.validationFraction ?? d.validationFraction,
    testFraction: partial.testFraction ?? d.testFraction,
    maxHistory: partial.maxHistory ?? d.maxHistory,
    ...(partial.validationFrom !== undefined && { validationFrom: partial.validationFrom }),
    ...(partial.testFrom !== undefined && { testFrom: partial.testFrom }),
  };
  positive('maxEventsPerMinute', o.maxEventsPerMinute);
  positive('rateWindowMs', o.rateWindowMs);
  positive('burstGapMs', o.burstGapMs);
  wholeAtLeast('burstMinEvents', o.burstMinEvents, 2);
  for (const [kind, weight] of Object.entries(o.weights)) positive(`weights.${kind}`, weight);
  wholeAtLeast('minUserInteractions', o.minUserInteractions, 1);
  wholeAtLeast('minSessionInteractions', o.minSessionInteractions, 1);
  wholeAtLeast('maxHistory', o.maxHistory, 1);
  fraction('validationFraction', o.validationFraction);
  fraction('testFraction', o.testFraction);
  if (o.validationFraction + o.testFraction >= 1) {
    throw new RangeError(
      `validationFraction + testFraction must be < 1 (training needs data), got ${o.validationFraction} + ${o.testFraction}`,
    );
  }
  if ((o.validationFrom === undefined) !== (o.testFrom === undefined)) {
    throw new RangeError('validationFrom and testFrom must be given together');
  }
  if (o.validationFrom !== undefined && o.testFrom !== undefined) {
    if (!Number.isFinite(o.validationFrom))
      throw new RangeError('validationFrom must be a time in epoch ms');
    if (!Number.isFinite(o.testFrom)) throw new RangeError('testFrom must be a time in epoch ms');
    if (o.testFrom < o.validationFrom) {
      throw new RangeError(
        `testFrom (${o.testFrom}) must not be before validationFrom (${o.validationFrom})`,
      );
    }
  }
  return o;
}

function positive(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0))
    throw new RangeError(`${name} must be a positive number, got ${value}`);
}

function wholeAtLeast(name: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min)) {
    throw new RangeError(`${name} must be a whole number >= ${min}, got ${value}`);
  }
}

function fraction(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0 && value < 1)) {
    throw new RangeError(`${name} must be in [0, 1), got ${value}`);
  }
}
