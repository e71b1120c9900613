import { type InteractionLog, Kind } from './interaction-log';
import type { TrainingSetOptions } from './training-set.options';

/** One kept sequence entry of a shopper. */
export interface CleanEntry {
  readonly item: number;
  readonly session: number;
  /** Epoch ms of the entry's first interaction (its place in the sequence). */
  readonly time: number;
  weight: number;
}

export interface ShopperCleaning {
  /** False: the shopper exceeded maxEventsPerMinute and is dropped whole. */
  readonly kept: boolean;
  readonly entries: CleanEntry[];
  readonly bursts: number;
  readonly burstEvents: number;
  readonly collapsedViews: number;
  readonly mergedActions: number;
}

/**
 * Cleans one shopper's interactions. `rows` index `log` and must be in time
 * order (ties in log order). In this order:
 *
 * 1. Rate: the busiest `rateWindowMs` of the shopper's events (purchases
 *    excluded: order lines arrive together) above maxEventsPerMinute drops
 *    the shopper. Checked first, on everything, so a bot's own bursts can't
 *    hide its rate.
 * 2. Bursts: runs of >= burstMinEvents views/searches, each < burstGapMs
 *    after the previous one, are dropped (cart and purchase events are
 *    deliberate and kept even inside such a run).
 * 3. Entries: views, cart adds and purchases, in order. One that names the
 *    item of the previous entry in the same session is folded into it (a
 *    reload, or view -> cart -> buy of one item is one step of the journey,
 *    and as separate entries it would teach next-item models to repeat the
 *    last item); the entry keeps the strongest weight. A revisit in a later
 *    session is a new entry: coming back is a signal of its own.
 */
export function cleanShopper(
  log: InteractionLog,
  rows: ArrayLike<number>,
  options: TrainingSetOptions,
): ShopperCleaning {
  const none = { entries: [], bursts: 0, burstEvents: 0, collapsedViews: 0, mergedActions: 0 };
  if (exceedsRate(log, rows, options)) return { kept: false, ...none };

  const { mask: inBurst, runs: bursts, events: burstEvents } = findBursts(log, rows, options);

  const entries: CleanEntry[] = [];
  let collapsedViews = 0;
  let mergedActions = 0;
  for (let k = 0; k < rows.length; k++) {
    if (inBurst[k]) continue;
    const r = rows[k];
    const kind = log.kind[r];
    const weight = weightOf(kind, options);
    if (weight === undefined) continue;
    const last = entries[entries.length - 1];
    if (last && last.item === log.item[r] && last.session === log.session[r]) {
      if (kind === Kind.view) collapsedViews++;
      else mergedActions++;
      last.weight = Math.max(last.weight, weight);
      continue;
    }
    entries.push({ item: log.item[r], session: log.session[r], time: log.time[r], weight });
  }
  return { kept: true, entries, bursts, burstEvents, collapsedViews, mergedActions };
}

function weightOf(kind: number, options: TrainingSetOptions): number | undefined {
  switch (kind) {
    case Kind.view:
      return options.weights.view;
    case Kind.add_to_cart:
      return options.weights.add_to_cart;
    case Kind.purchase:
      return options.weights.purchase;
    default:
      return undefined;
  }
}

/** Sliding window over the shopper's non-purchase events. */
function exceedsRate(log: InteractionLog, rows: ArrayLike<number>, o: TrainingSetOptions): boolean {
  const limit = (o.maxEventsPerMinute * o.rateWindowMs) / 60_000;
  const times: number[] = [];
  for (let k = 0; k < rows.length; k++) {
    if (log.kind[rows[k]] !== Kind.purchase) times.push(log.time[rows[k]]);
  }
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end] - times[start] >= o.rateWindowMs) start++;
    if (end - start + 1 > limit) return true;
  }
  return false;
}

const isBrowsing = (kind: number) => kind === Kind.view || kind === Kind.search;

/** Marks (by position in `rows`) the browsing events that belong to a burst run, and counts them. */
function findBursts(
  log: InteractionLog,
  rows: ArrayLike<number>,
  o: TrainingSetOptions,
): { mask: Uint8Array; runs: number; events: number } {
  const mask = new Uint8Array(rows.length);
  let runs = 0;
  let events = 0;
  let run: number[] = [];
  const close = () => {
    if (run.length >= o.burstMinEvents) {
      runs++;
      events += run.length;
      for (const k of run) mask[k] = 1;
    }
    run = [];
  };
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    if (!isBrowsing(log.kind[r])) continue;
    const previous = run[run.length - 1];
    if (previous !== undefined && log.time[r] - log.time[rows[previous]] >= o.burstGapMs) close();
    run.push(k);
  }
  close();
  return { mask, runs, events };
}
