import { Agenda } from './agenda';
import { Catalog, type CatalogOptions, type ShopItem } from './catalog.generator';
import { clickProbability, relevance } from './click.model';
import { forkSeed, SeededRandom } from './random';
import { DEFAULT_BEHAVIOUR, Session, type SessionBehaviour } from './session.generator';
import type { LatentPreference } from './preferences';
import { type Shopper, ShopperPopulation } from './shopper.model';
import type { ShopEvent, WireItem } from './wire';

/**
 * A realistic synthetic shop, seeded: the same options give the same catalog
 * and the same event stream, byte for byte. It runs on a simulated clock:
 * visits arrive as a Poisson process (quieter at night), each visit's events
 * follow each other with human pauses, new items appear, items sell out and
 * come back. `next()` hands out what happens next, in time order, in Pulse's
 * wire format; the catalog at the start is `initialItems`.
 *
 * Beside the traffic it answers ground-truth questions an evaluation needs:
 * a shopper's current latent preferences, how much they want an item, and
 * whether they would click it where a recommender put it. Those answers come
 * from streams of their own, so asking never changes the traffic.
 */

export interface SyntheticShopOptions extends CatalogOptions {
  readonly seed: number;
  /** Registered (returning) shoppers. Default: half the catalog size, at least 500. */
  readonly shoppers?: number;
  /** Share of visits by anonymous one-visit shoppers. Default 0.3. */
  readonly anonymousShare?: number;
  /** Mean visits started per simulated hour. Default 1200 (about 11 000 events an hour). */
  readonly sessionsPerHour?: number;
  /** Quieter nights, busier evenings (UTC). Default true. */
  readonly diurnal?: boolean;
  /** Simulated time of the first event handed out (epoch ms or Date). Default 2026-01-05T00:00:00Z. */
  readonly startAt?: number | Date;
  /**
   * The shop opens this long before `startAt` and runs unseen until then, so
   * the stream starts in full swing (visits in progress, carts filled)
   * rather than with every visit at its first step. Default 30 minutes.
   */
  readonly warmUpMs?: number;
  /** Each favourite category, brand and price level changes this often per day on average. Default 0.05. */
  readonly driftPerDay?: number;
  /**
   * Most shoppers' interests jump at one moment: at a simulated time, or
   * after so many interaction events. `share` of shoppers move (default 0.9).
   * More shifts can be added while running with `shiftInterests()`.
   */
  readonly interestShift?: {
    readonly at?: number | Date;
    readonly afterEvents?: number;
    readonly share?: number;
  };
  /** New items listed per simulated day. Default 1% of the initial catalog. */
  readonly newItemsPerDay?: number;
  /** Mean days until a sold-out item is restocked (some never are). Default 3. */
  readonly restockAfterDays?: number;
  /** Zipf exponent of how often registered shoppers come back. Default 0.7. */
  readonly activitySkew?: number;
  readonly behaviour?: Partial<SessionBehaviour>;
}

export interface ShopStats {
  readonly interactions: Record<
    'search' | 'view' | 'add_to_cart' | 'remove_from_cart' | 'purchase',
    number
  >;
  readonly catalogChanges: number;
  readonly sessions: number;
  readonly anonymousSessions: number;
}

type Happening =
  | { kind: 'arrival' }
  | { kind: 'step'; session: Session }
  | { kind: 'new-item' }
  | { kind: 'sold-out'; item: ShopItem }
  | { kind: 'restock'; item: ShopItem };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Mean of the diurnal intensity below; arrivals are thinned from the peak rate. */
const DIURNAL_MEAN = 0.675;
const DEFAULT_SESSIONS_PER_HOUR = 1200;

export class SyntheticShop {
  readonly seed: number;
  readonly catalog: Catalog;
  readonly shoppers: ShopperPopulation;
  readonly startAt: number;
  /** The catalog as it is before the first event, in wire form. */
  readonly initialItems: readonly WireItem[];
  private readonly traffic: SeededRandom;
  private readonly clicks: SeededRandom;
  private readonly agenda = new Agenda<Happening>();
  private readonly behaviour: SessionBehaviour;
  private readonly settings;
  private clock: number;
  private pendingShift?: { afterEvents: number; share: number };
  private warming = false;
  private counters = {
    interactions: { search: 0, view: 0, add_to_cart: 0, remove_from_cart: 0, purchase: 0 },
    catalogChanges: 0,
    sessions: 0,
    anonymousSessions: 0,
  };

  constructor(options: SyntheticShopOptions) {
    if (!Number.isInteger(options.seed))
      throw new RangeError(`seed must be a whole number, got ${options.seed}`);
    this.seed = options.seed;
    this.catalog = new Catalog(options.seed, options);
    this.startAt = toMs(options.startAt ?? Date.UTC(2026, 0, 5));
    const warmUpMs = options.warmUpMs ?? 30 * 60_000;
    if (!(warmUpMs >= 0)) throw new RangeError(`warmUpMs must be >= 0, got ${warmUpMs}`);
    const opensAt = this.startAt - warmUpMs;
    this.clock = opensAt;
    this.settings = {
      anonymousShare: options.anonymousShare ?? 0.3,
      sessionsPerHour: options.sessionsPerHour ?? DEFAULT_SESSIONS_PER_HOUR,
      diurnal: options.diurnal ?? true,
      newItemsPerDay: options.newItemsPerDay ?? this.catalog.size * 0.01,
      restockAfterDays: options.restockAfterDays ?? 3,
    };
    if (!(this.settings.sessionsPerHour > 0))
      throw new RangeError(`sessionsPerHour must be > 0, got ${this.settings.sessionsPerHour}`);
    if (!(this.settings.anonymousShare >= 0 && this.settings.anonymousShare <= 1)) {
      throw new RangeError(
        `anonymousShare must be between 0 and 1, got ${this.settings.anonymousShare}`,
      );
    }
    this.behaviour = { ...DEFAULT_BEHAVIOUR, ...options.behaviour };
    this.shoppers = new ShopperPopulation(this.catalog, {
      seed: options.seed,
      shoppers: options.shoppers ?? Math.max(500, Math.round(this.catalog.size / 2)),
      driftPerDay: options.driftPerDay ?? 0.05,
      activitySkew: options.activitySkew ?? 0.7,
      startAt: opensAt,
    });
    const shift = options.interestShift;
    if (shift) {
      const share = shift.share ?? 0.9;
      if (shift.at !== undefined) this.shoppers.shift(toMs(shift.at), share);
      else if (shift.afterEvents !== undefined)
        this.pendingShift = { afterEvents: shift.afterEvents, share };
      else throw new RangeError('interestShift needs `at` or `afterEvents`');
    }
    this.traffic = new SeededRandom(forkSeed(options.seed, 'traffic'));
    this.clicks = new SeededRandom(forkSeed(options.seed, 'clicks'));
    this.agenda.push(opensAt, { kind: 'arrival' });
    if (this.settings.newItemsPerDay > 0)
      this.agenda.push(opensAt + this.newItemGap(), { kind: 'new-item' });
    // Items sold out at the start come back over time like any other.
    for (const item of this.catalog.items) {
      if (item.stock === 0 && this.traffic.chance(0.8)) {
        this.agenda.push(
          Math.round(opensAt + this.traffic.exponential(this.settings.restockAfterDays * DAY_MS)),
          { kind: 'restock', item },
        );
      }
    }
    this.warmUp();
    // After the warm-up: items listed during it, and stock as it is now, are the starting catalog.
    this.initialItems = this.catalog.items.map((item) => this.catalog.toWire(item));
  }

  /** Simulated time of the latest event (epoch ms). */
  get now(): number {
    return this.clock;
  }

  get stats(): ShopStats {
    return { ...this.counters, interactions: { ...this.counters.interactions } };
  }

  /** What happens next in the shop. The stream never ends. */
  next(): ShopEvent {
    for (;;) {
      const { at, value } = this.agenda.pop()!;
      this.clock = at;
      const event = this.happen(at, value);
      if (event) return event;
    }
  }

  /** The next `count` happenings. */
  take(count: number): ShopEvent[] {
    return Array.from({ length: count }, () => this.next());
  }

  /** Happenings until `interactions` interaction events have been produced (catalog changes in between included). */
  *events(interactions = Infinity): Generator<ShopEvent> {
    for (let n = 0; n < interactions;) {
      const event = this.next();
      if (event.kind === 'interaction') n++;
      yield event;
    }
  }

  /** From now on, `share` of shoppers move to new interests (on their next look at the clock). */
  shiftInterests(share = 0.9): void {
    this.shoppers.shift(this.clock, share);
  }

  // ---- ground truth -----------------------------------------------------------------

  /** The shopper's latent preferences at the shop's current time; undefined for an id the shop doesn't know. */
  preferenceOf(shopperId: string): LatentPreference | undefined {
    return this.current(shopperId)?.view();
  }

  /** 0..1: how much the shopper wants the item now. */
  relevance(shopperId: string, itemId: string): number {
    return relevance(this.require(shopperId).prefs, this.requireItem(itemId), this.catalog.tree);
  }

  /** P(click) on the item shown at `position` (0-based) of a list, or on its own. */
  clickProbability(shopperId: string, itemId: string, position?: number): number {
    return clickProbability(
      this.require(shopperId).prefs,
      this.requireItem(itemId),
      this.catalog.tree,
      position,
    );
  }

  /** One draw of the click model: would the shopper click it? Seeded, separate from the traffic. */
  wouldClick(shopperId: string, itemId: string, position?: number): boolean {
    return this.clicks.chance(this.clickProbability(shopperId, itemId, position));
  }

  /** Expected clicks on a ranked list: the sum of P(click) by position (the CTR numerator of a strategy). */
  expectedClicks(shopperId: string, itemIds: readonly string[]): number {
    return itemIds.reduce(
      (sum, id, position) => sum + this.clickProbability(shopperId, id, position),
      0,
    );
  }

  /** Registered shoppers that have visited so far, most visits first. */
  returningShopperIds(): string[] {
    return this.shoppers
      .knownRegistered()
      .filter((s) => s.sessions > 0)
      .sort((a, b) => b.sessions - a.sessions || a.id.localeCompare(b.id))
      .map((s) => s.id);
  }

  // ---- simulation -----------------------------------------------------------------

  private happen(at: number, value: Happening): ShopEvent | undefined {
    switch (value.kind) {
      case 'arrival':
        this.agenda.push(this.nextArrival(at), { kind: 'arrival' });
        this.startSession(at);
        return undefined;
      case 'step': {
        const { session } = value;
        session.shopper.advanceTo(at, this.shoppers.interestShifts);
        const step = session.step(at);
        if (!step) {
          session.shopper.inSession = false;
          return undefined;
        }
        this.agenda.push(at + Math.max(1, Math.round(step.gapMs)), { kind: 'step', session });
        this.counters.interactions[step.event.type]++;
        this.maybeShift();
        return { kind: 'interaction', at, event: step.event };
      }
      case 'new-item': {
        this.agenda.push(at + this.newItemGap(), { kind: 'new-item' });
        const item = this.catalog.addItem(at);
        return this.catalogChange(at, { type: 'put', item: this.catalog.toWire(item) });
      }
      case 'sold-out':
        // Most items come back; some are discontinued and stay at zero.
        if (this.traffic.chance(0.8))
          this.agenda.push(
            Math.round(at + this.traffic.exponential(this.settings.restockAfterDays * DAY_MS)),
            { kind: 'restock', item: value.item },
          );
        return this.catalogChange(at, { type: 'stock', itemId: value.item.id, stock: 0 });
      case 'restock':
        if (value.item.stock > 0) return undefined;
        value.item.stock = Math.max(1, Math.round(this.traffic.logNormal(40, 0.8)));
        return this.catalogChange(at, {
          type: 'stock',
          itemId: value.item.id,
          stock: value.item.stock,
        });
    }
  }

  private catalogChange(
    at: number,
    change: Extract<ShopEvent, { kind: 'catalog' }>['change'],
  ): ShopEvent {
    this.counters.catalogChanges++;
    return { kind: 'catalog', at, change };
  }

  private startSession(at: number): void {
    let shopper: Shopper | undefined;
    if (!this.traffic.chance(this.settings.anonymousShare)) {
      // Someone already mid-visit can't start another; a few tries, then a newcomer.
      for (let attempt = 0; attempt < 3 && !shopper; attempt++) {
        const candidate = this.shoppers.drawReturning(this.traffic);
        if (!candidate.inSession) shopper = candidate;
      }
    }
    if (!shopper) {
      shopper = this.shoppers.newAnonymous(this.traffic, at);
      this.counters.anonymousSessions++;
    }
    shopper.advanceTo(at, this.shoppers.interestShifts);
    shopper.inSession = true;
    this.counters.sessions++;
    const session = new Session(shopper, {
      catalog: this.catalog,
      random: this.traffic,
      behaviour: this.behaviour,
      onSoldOut: (item, soldAt) => this.agenda.push(soldAt, { kind: 'sold-out', item }),
    });
    this.agenda.push(at, { kind: 'step', session });
  }

  /** Poisson arrivals; with `diurnal`, thinned by the hour of day from the peak rate. */
  private nextArrival(at: number): number {
    const { sessionsPerHour, diurnal } = this.settings;
    const peakRate = diurnal ? sessionsPerHour / DIURNAL_MEAN : sessionsPerHour;
    let t = at;
    for (;;) {
      t += this.traffic.exponential(HOUR_MS / peakRate);
      if (!diurnal || this.traffic.chance(diurnalIntensity(t))) return Math.round(t);
    }
  }

  private newItemGap(): number {
    return Math.max(1, Math.round(this.traffic.exponential(DAY_MS / this.settings.newItemsPerDay)));
  }

  /** Runs the shop unseen up to `startAt`; what happened shows only in its state. */
  private warmUp(): void {
    this.warming = true;
    while (this.agenda.peekAt()! < this.startAt) {
      const { at, value } = this.agenda.pop()!;
      this.clock = at;
      this.happen(at, value);
    }
    this.warming = false;
    this.clock = this.startAt;
    this.counters = {
      interactions: { search: 0, view: 0, add_to_cart: 0, remove_from_cart: 0, purchase: 0 },
      catalogChanges: 0,
      sessions: 0,
      anonymousSessions: 0,
    };
  }

  private maybeShift(): void {
    if (!this.pendingShift || this.warming) return;
    const total = Object.values(this.counters.interactions).reduce((a, b) => a + b, 0);
    if (total < this.pendingShift.afterEvents) return;
    this.shoppers.shift(this.clock, this.pendingShift.share);
    this.pendingShift = undefined;
  }

  private current(shopperId: string): Shopper | undefined {
    const shopper = this.shoppers.byId(shopperId);
    shopper?.advanceTo(this.clock, this.shoppers.interestShifts);
    return shopper;
  }

  private require(shopperId: string): Shopper {
    const shopper = this.current(shopperId);
    if (!shopper) throw new Error(`unknown shopper '${shopperId}'`);
    return shopper;
  }

  private requireItem(itemId: string): ShopItem {
    const item = this.catalog.item(itemId);
    if (!item) throw new Error(`unknown item '${itemId}'`);
    return item;
  }
}

/** Interaction events per visit with the default behaviour, on average (measured 8.9 to 9.1). */
export const MEAN_EVENTS_PER_SESSION = 9;

/**
 * When a shop must start for about `events` interactions to end at `endAt`:
 * walks back from `endAt` through the visit rate, quiet nights included,
 * until enough visits have arrived. An estimate (visits vary in length):
 * callers that must not run past `endAt` ask for a few percent more events.
 */
export function startAtFor(
  events: number,
  endAt: number,
  options: Pick<SyntheticShopOptions, 'sessionsPerHour' | 'diurnal'> = {},
): number {
  const sessionsPerHour = options.sessionsPerHour ?? DEFAULT_SESSIONS_PER_HOUR;
  const diurnal = options.diurnal ?? true;
  const stepMs = 60_000;
  let visits = events / MEAN_EVENTS_PER_SESSION;
  let t = endAt;
  while (visits > 0) {
    const perHour = diurnal
      ? (sessionsPerHour / DIURNAL_MEAN) * diurnalIntensity(t - stepMs / 2)
      : sessionsPerHour;
    visits -= (perHour * stepMs) / HOUR_MS;
    t -= stepMs;
  }
  return t;
}

/** 0.35 at night to 1 in the evening (UTC hours), mean DIURNAL_MEAN. */
function diurnalIntensity(t: number): number {
  const hour = (t % DAY_MS) / HOUR_MS;
  return 0.35 + 0.65 * (0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 8)) / 24));
}

function toMs(value: number | Date): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (!Number.isFinite(ms)) throw new RangeError(`not a valid time: ${String(value)}`);
  return ms;
}
