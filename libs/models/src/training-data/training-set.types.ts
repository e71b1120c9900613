import type { ItemFeatureTable } from '@pulse/ml/datasets/item-features';
import type {
  PrefixTargetCases,
  SequenceDataset,
  Sequences,
} from '@pulse/ml/datasets/sequence-dataset';
import type { TrainingSetOptions } from './training-set.options';

/**
 * One event of the log as the builder needs it: type, position and the
 * payload already upcast and validated (the builder decodes through the
 * EventRegistry, as projections do).
 */
export interface TrainingEvent {
  readonly type: string;
  readonly position: bigint;
  readonly data: Record<string, any>;
}

/** What the cleaning and reading did, for logs, manifests and tests. */
export interface TrainingSetStats {
  /** Every event read from the log up to the bound (any stream). */
  readonly eventsRead: number;
  readonly shopperEvents: number;
  readonly itemEvents: number;
  /** Position of the last event read (-1 when none); the set covers the log up to `untilPosition`. */
  readonly lastPositionRead: bigint;
  /** Searches and cart removals: read for the rate and burst checks, never sequence entries. */
  readonly nonItemInteractions: number;
  /** Shoppers seen, and those dropped for exceeding maxEventsPerMinute (with all their events). */
  readonly shoppers: number;
  readonly droppedShoppers: number;
  readonly droppedShopperEvents: number;
  /** Machine-speed runs of views/searches dropped from shoppers that were kept, and their events. */
  readonly bursts: number;
  readonly burstEvents: number;
  /** A view of the item the shopper was already on (same session) folded into that entry. */
  readonly collapsedViews: number;
  /** A cart add or purchase of the item just viewed (same session) folded into that entry, raising its weight. */
  readonly mergedActions: number;
  /** Shoppers / sessions left out for having fewer kept interactions than the minimum. */
  readonly shortUsers: number;
  readonly shortSessions: number;
  /** Result sizes. */
  readonly users: number;
  readonly userInteractions: number;
  readonly sessions: { readonly train: number; readonly validation: number; readonly test: number };
  readonly items: number;
  /** Items in the data the catalog has never described (accepted with PULSE_UNKNOWN_ITEMS=accept). */
  readonly itemsWithoutContent: number;
}

/** A part of a time split: sequences to train on, or next-item cases to score. */
export interface TimeSplit {
  /** Epoch ms: interactions at or after it are validation (before testFrom) or test. */
  readonly validationFrom: number;
  readonly testFrom: number;
  /**
   * Per shopper: training = each shopper's interactions before validationFrom;
   * validation/test = every later interaction in its window as a case, with
   * the shopper's earlier interactions (at most maxHistory) as the history.
   */
  readonly users: SplitParts;
  /** Per session, by the session's last interaction: train, validation and test sessions; cases are every prefix. */
  readonly sessions: SplitParts;
}

export interface SplitParts {
  readonly train: Sequences;
  readonly validation: PrefixTargetCases;
  readonly test: PrefixTargetCases;
}

export interface TrainingSet {
  /**
   * One sequence per kept shopper, time-ordered, everything up to the bound
   * (the loo protocols hold out the last items themselves). sequenceKeys are
   * Pulse shopper ids, times the last interaction (epoch ms). Dense item ids
   * are in order of first appearance here, and `items` is shared with `sessions`.
   */
  readonly users: SequenceDataset;
  /** Parallel to users.sequences.items: the weight and epoch-ms time of each interaction. */
  readonly userWeights: Float32Array;
  readonly userInteractionTimes: Float64Array;
  /**
   * One sequence per kept session (train and validation sessions, ordered by
   * their last interaction), heldOut = every prefix of the test sessions: the
   * layout of the session-prefix protocol. sequenceKeys are `shopperId/sessionId`.
   */
  readonly sessions: SequenceDataset;
  /** Parallel to sessions.sequences.items. */
  readonly sessionWeights: Float32Array;
  readonly split: TimeSplit;
  /** Content per dense item id, for the two-tower model. */
  readonly itemFeatures: ItemFeatureTable;
  /** Whether the catalog still lists each item (false: delisted or never listed). */
  readonly itemListed: Uint8Array;
  readonly stats: TrainingSetStats;
  readonly options: TrainingSetOptions;
  /** The log bound: every event at or before it was read, none after it. */
  readonly untilPosition: bigint;
}
