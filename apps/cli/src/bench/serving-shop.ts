import { startAtFor, SyntheticShop } from '@pulse/testing/synthetic/shop/synthetic-shop';
import { writeDirect } from '@pulse/testing/synthetic/write-direct';
import { makeTempDir, now, progress } from './bench-support';

/**
 * A synthetic shop (libs/testing) with its catalog and history written
 * straight into a data directory's event store, for Pulse to start on.
 */

export interface ServingShopOptions {
  readonly items: number;
  /** Interaction events written per catalog item, on average. */
  readonly eventsPerItem: number;
  readonly seed: number;
  /** Registered shoppers; default the shop's (half the catalog, at least 500). */
  readonly shoppers?: number;
}

export interface PreparedShop {
  readonly shop: SyntheticShop;
  readonly dataDir: string;
  readonly interactions: number;
  readonly storedEvents: number;
  /** Position of the last event written: Pulse has caught up once every projection is there. */
  readonly head: bigint;
  readonly writeSeconds: number;
  readonly historyFrom: string;
  readonly historyTo: string;
}

/** Interaction events of the history for these options. */
export const historyEvents = (o: ServingShopOptions): number => Math.round(o.items * o.eventsPerItem);

export function shopFor(o: ServingShopOptions, startAt: number): SyntheticShop {
  return new SyntheticShop({
    seed: o.seed,
    items: o.items,
    ...(o.shoppers !== undefined && { shoppers: o.shoppers }),
    startAt,
  });
}

/**
 * A fresh data directory (or `dataDir`) holding the shop's catalog and
 * history. The history ends about ten minutes before now: Pulse decays
 * interest and popularity towards the present, so an old history would look
 * like a dead shop, and one reaching into the future would be refused. The
 * shop is returned positioned after the history, so a caller can continue
 * its traffic live.
 */
export async function prepareShop(o: ServingShopOptions, dataDir?: string): Promise<PreparedShop> {
  const events = historyEvents(o);
  // 5% more than asked: visits vary in length, and the history must not run past now.
  const startAt = startAtFor(events * 1.05, Date.now() - 10 * 60_000);
  const shop = shopFor(o, startAt);
  const dir = dataDir ?? makeTempDir(`serving-${o.items}`);
  progress(`writing a synthetic shop into ${dir}: ${o.items} items, ${events} interactions (seed ${o.seed})`);
  let lastReport = now();
  const summary = await writeDirect(dir, shop, {
    events,
    onProgress: ({ interactions }) => {
      if (now() - lastReport < 15_000) return;
      lastReport = now();
      progress(`  ... ${interactions}/${events} interactions written`);
    },
  });
  progress(
    `  wrote ${summary.totalEvents} events in ${(summary.elapsedMs / 1000).toFixed(1)} s (${Math.round(summary.eventsPerSecond)} events/s)`,
  );
  return {
    shop,
    dataDir: dir,
    interactions: summary.interactions,
    storedEvents: summary.totalEvents,
    head: summary.head,
    writeSeconds: summary.elapsedMs / 1000,
    historyFrom: summary.from.toISOString(),
    historyTo: summary.to.toISOString(),
  };
}
