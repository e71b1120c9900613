import type { Catalog } from './catalog.generator';
import {
  drawBrand,
  drawLeaf,
  drawPreferences,
  drawRoot,
  type LatentPreference,
  pickWeighted,
  type Preferences,
  type Weighted,
} from './preferences';
import { forkSeed, SeededRandom, WeightedSampler, zipfWeight } from './random';

/**
 * Shoppers and their latent preferences: a few favourite departments (root
 * categories) and leaf categories within them, a few brands, a price level
 * and a language. Preferences drift: each favourite is replaced now and then
 * (a Poisson clock per favourite, `driftPerDay`), and an interest shift
 * replaces most shoppers' favourites at one moment.
 *
 * Drift is event-driven on each shopper's own random stream, in time order,
 * so a shopper's preferences at time t are the same however often anyone
 * looked at them before: asking the ground truth never changes the traffic.
 */

export interface InterestShift {
  readonly at: number;
  /** Share of shoppers whose interests move (each decided by their own random stream). */
  readonly share: number;
}

export interface PopulationOptions {
  readonly seed: number;
  /** Registered (returning) shoppers. */
  readonly shoppers: number;
  /** Favourites replaced per day, per favourite (0: no drift). */
  readonly driftPerDay: number;
  /** Zipf exponent of how often registered shoppers come back. */
  readonly activitySkew: number;
  readonly startAt: number;
}

const DAY_MS = 86_400_000;

type Slot = { kind: 'root' | 'leaf' | 'brand'; index: number } | { kind: 'price' };

export class Shopper {
  readonly prefs: Preferences;
  /** Survives sessions: carts are kept between visits. */
  readonly cart = new Map<string, number>();
  sessions = 0;
  inSession = false;
  private readonly slots: Slot[];
  private readonly changeAt: number[];
  private shiftsSeen = 0;
  private shiftsApplied = 0;

  constructor(
    readonly id: string,
    readonly anonymous: boolean,
    private readonly catalog: Catalog,
    private readonly driftPerDay: number,
    /** Preferences are drawn from it, then drift continues it. */
    private readonly random: SeededRandom,
    bornAt: number,
  ) {
    this.prefs = drawPreferences(catalog, random);
    this.slots = [
      ...this.prefs.roots.map((_, index) => ({ kind: 'root' as const, index })),
      ...this.prefs.leaves.map((_, index) => ({ kind: 'leaf' as const, index })),
      ...this.prefs.brands.map((_, index) => ({ kind: 'brand' as const, index })),
      { kind: 'price' as const },
    ];
    this.changeAt = this.slots.map(() => bornAt + this.nextGap());
  }

  /**
   * Applies every drift change and interest shift up to `t`, in time order.
   * Times before what was already applied are a no-op: preferences only move forwards.
   */
  advanceTo(t: number, shifts: readonly InterestShift[]): void {
    for (;;) {
      let slot = 0;
      for (let i = 1; i < this.changeAt.length; i++)
        if (this.changeAt[i]! < this.changeAt[slot]!) slot = i;
      const shift = shifts[this.shiftsSeen];
      const changeAt = this.changeAt[slot]!;
      if (shift && shift.at <= t && shift.at <= changeAt) {
        this.shiftsSeen++;
        if (this.random.chance(shift.share)) {
          this.shift();
          this.shiftsApplied++;
        }
        continue;
      }
      if (changeAt > t) return;
      this.drift(this.slots[slot]!);
      this.changeAt[slot] = changeAt + this.nextGap();
    }
  }

  view(): LatentPreference {
    const { roots, leaves, brands } = this.prefs;
    const { tree, brands: brandCatalog } = this.catalog;
    const normalise = <T>(list: Weighted[], name: (i: number) => T) => {
      const total = list.reduce((s, w) => s + w.weight, 0);
      return [...list]
        .sort((a, b) => b.weight - a.weight)
        .map((w) => ({ name: name(w.index), weight: w.weight / total }));
    };
    return {
      shopperId: this.id,
      roots: normalise(roots, (i) => tree.roots[i]!.key).map(({ name, weight }) => ({
        key: name,
        weight,
      })),
      leaves: normalise(leaves, (i) => tree.leaves[i]!.key).map(({ name, weight }) => ({
        key: name,
        weight,
      })),
      brands: normalise(brands, (i) => brandCatalog.brands[i]!.name),
      priceLevel: this.prefs.priceLevel,
      language: this.prefs.language,
      exploration: this.prefs.exploration,
      shifts: this.shiftsApplied,
    };
  }

  private nextGap(): number {
    return this.driftPerDay > 0 ? this.random.exponential(DAY_MS / this.driftPerDay) : Infinity;
  }

  private drift(slot: Slot): void {
    const { prefs, random, catalog } = this;
    const tree = catalog.tree;
    switch (slot.kind) {
      case 'price':
        prefs.priceLevel = clamp(prefs.priceLevel * Math.exp(0.25 * random.normal()), 0.2, 5);
        return;
      case 'brand':
        prefs.brands[slot.index] = {
          index: drawBrand(catalog, prefs, random, prefs.brands),
          weight: 0.3 + 0.7 * random.next(),
        };
        return;
      case 'leaf': {
        // Mostly a neighbouring interest in a favourite department, sometimes something new.
        const root = random.chance(0.7) ? pickWeighted(prefs.roots, random) : undefined;
        prefs.leaves[slot.index] = {
          index: drawLeaf(catalog, random, prefs.leaves, root),
          weight: 0.4 + 0.6 * random.next(),
        };
        return;
      }
      case 'root': {
        const old = prefs.roots[slot.index]!.index;
        const next = drawRoot(
          catalog,
          random,
          prefs.roots.map((r) => r.index),
        );
        if (next === undefined) return;
        prefs.roots[slot.index] = { index: next, weight: prefs.roots[slot.index]!.weight };
        // The leaves that belonged to the abandoned department follow the new one.
        for (const [i, leaf] of prefs.leaves.entries()) {
          if (tree.leaves[leaf.index]!.root === old)
            prefs.leaves[i] = {
              index: drawLeaf(catalog, random, prefs.leaves, next),
              weight: leaf.weight,
            };
        }
        return;
      }
    }
  }

  /** New favourites away from the current departments: a clearly different person, same id. */
  private shift(): void {
    const previous = this.prefs.roots.map((r) => r.index);
    const fresh = drawPreferences(this.catalog, this.random, previous);
    // Same number of favourites of each kind, so the drift slots stay valid.
    this.prefs.roots = resize(fresh.roots, this.prefs.roots.length, () => ({
      index:
        drawRoot(this.catalog, this.random, [...previous, ...fresh.roots.map((r) => r.index)]) ??
        fresh.roots[0]!.index,
      weight: 0.3 + 0.5 * this.random.next(),
    }));
    this.prefs.leaves = resize(fresh.leaves, this.prefs.leaves.length, () => ({
      index: drawLeaf(
        this.catalog,
        this.random,
        fresh.leaves,
        pickWeighted(fresh.roots, this.random),
      ),
      weight: 0.4 + 0.6 * this.random.next(),
    }));
    this.prefs.brands = resize(fresh.brands, this.prefs.brands.length, () => ({
      index: drawBrand(this.catalog, fresh, this.random, fresh.brands),
      weight: 0.3 + 0.7 * this.random.next(),
    }));
    this.prefs.priceLevel = fresh.priceLevel;
  }
}

/**
 * Every shopper of the shop: registered ones, created on first use from
 * their own seed (so shopper 42 is the same person whatever happened
 * before), and anonymous one-session visitors.
 */
export class ShopperPopulation {
  private readonly registered = new Map<number, Shopper>();
  private readonly anonymous = new Map<string, Shopper>();
  private readonly activity: WeightedSampler;
  private readonly shifts: InterestShift[] = [];
  private anonymousCount = 0;

  constructor(
    private readonly catalog: Catalog,
    private readonly options: PopulationOptions,
  ) {
    if (!Number.isInteger(options.shoppers) || options.shoppers < 1) {
      throw new RangeError(`shoppers must be a whole number >= 1, got ${options.shoppers}`);
    }
    if (!(options.driftPerDay >= 0))
      throw new RangeError(`driftPerDay must be >= 0, got ${options.driftPerDay}`);
    const random = new SeededRandom(forkSeed(options.seed, 'activity'));
    const ranks = random.shuffle(Array.from({ length: options.shoppers }, (_, i) => i + 1));
    this.activity = new WeightedSampler(
      ranks.map((rank) => zipfWeight(rank, options.activitySkew)),
    );
  }

  static registeredId(index: number): string {
    return `customer-${String(index).padStart(6, '0')}`;
  }

  get interestShifts(): readonly InterestShift[] {
    return this.shifts;
  }

  /** Registered shopper `index` (0-based). */
  shopper(index: number): Shopper {
    let shopper = this.registered.get(index);
    if (!shopper) {
      const random = new SeededRandom(forkSeed(this.options.seed, 'shopper', index));
      shopper = new Shopper(
        ShopperPopulation.registeredId(index),
        false,
        this.catalog,
        this.options.driftPerDay,
        random,
        this.options.startAt,
      );
      this.registered.set(index, shopper);
    }
    return shopper;
  }

  /** A shopper by id; registered shoppers exist before their first visit, anonymous ones only after. */
  byId(id: string): Shopper | undefined {
    const registered = /^customer-(\d+)$/.exec(id);
    if (registered) {
      const index = Number(registered[1]);
      return index < this.options.shoppers ? this.shopper(index) : undefined;
    }
    return this.anonymous.get(id);
  }

  /** A returning shopper, the regulars more often. */
  drawReturning(random: SeededRandom): Shopper {
    return this.shopper(this.activity.draw(random));
  }

  /** A first-and-only-visit shopper born at `at`. */
  newAnonymous(random: SeededRandom, at: number): Shopper {
    const n = this.anonymousCount++;
    const id = `anon-${random.hex(12)}`;
    const shopper = new Shopper(
      id,
      true,
      this.catalog,
      this.options.driftPerDay,
      new SeededRandom(forkSeed(this.options.seed, 'anonymous', n)),
      at,
    );
    this.anonymous.set(id, shopper);
    return shopper;
  }

  /** Registers an interest shift at `at` (not before the last one). */
  shift(at: number, share: number): void {
    if (!(share >= 0 && share <= 1))
      throw new RangeError(`share must be between 0 and 1, got ${share}`);
    const last = this.shifts[this.shifts.length - 1];
    if (last && at < last.at) throw new RangeError('interest shifts must come in time order');
    this.shifts.push({ at, share });
  }

  /** Registered shoppers created so far (visited or asked about). */
  knownRegistered(): Shopper[] {
    return [...this.registered.values()];
  }
}

function resize(list: Weighted[], length: number, extra: () => Weighted): Weighted[] {
  const out = list.slice(0, length);
  while (out.length < length) out.push(extra());
  return out;
}

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));
