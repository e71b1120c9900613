import { Catalog } from './catalog.generator';
import type { LatentPreference } from './preferences';
import { ShopperPopulation } from './shopper.model';

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5);
const catalog = new Catalog(3, { items: 1000 });
const population = (driftPerDay: number, seed = 3) =>
  new ShopperPopulation(catalog, {
    seed,
    shoppers: 200,
    driftPerDay,
    activitySkew: 0.7,
    startAt: START,
  });
const leafKeys = (p: LatentPreference) => p.leaves.map((l) => l.key).sort();
const rootKeys = (p: LatentPreference) => p.roots.map((r) => r.key).sort();

describe('ShopperPopulation', () => {
  it('gives shoppers a few favourite departments, leaves within them, brands and a price level', () => {
    const shoppers = population(0);
    let leavesInFavouriteRoots = 0;
    let leaves = 0;
    for (let i = 0; i < 200; i++) {
      const p = shoppers.shopper(i).view();
      expect(p.roots.length).toBeGreaterThanOrEqual(1);
      expect(p.roots.length).toBeLessThanOrEqual(3);
      expect(p.brands.length).toBeGreaterThanOrEqual(2);
      expect(p.leaves.reduce((s, l) => s + l.weight, 0)).toBeCloseTo(1, 9);
      expect(p.priceLevel).toBeGreaterThan(0);
      for (const leaf of p.leaves) {
        leaves++;
        if (p.roots.some((r) => leaf.key.startsWith(`${r.key}>`))) leavesInFavouriteRoots++;
      }
    }
    expect(leavesInFavouriteRoots).toBe(leaves);
  });

  it('makes the same shopper from the same seed, whatever was created before', () => {
    const a = population(0.2);
    const b = population(0.2);
    b.shopper(7);
    b.shopper(3);
    expect(a.shopper(3).view()).toEqual(b.shopper(3).view());
    expect(population(0.2, 4).shopper(3).view()).not.toEqual(a.shopper(3).view());
  });

  it('drifts preferences over time at the configured rate, and not at all at rate 0', () => {
    const drifting = population(0.3);
    const still = population(0);
    let changed = 0;
    for (let i = 0; i < 50; i++) {
      const before = drifting.shopper(i).view();
      const stillBefore = still.shopper(i).view();
      drifting.shopper(i).advanceTo(START + 10 * DAY, drifting.interestShifts);
      still.shopper(i).advanceTo(START + 10 * DAY, still.interestShifts);
      if (leafKeys(drifting.shopper(i).view()).join() !== leafKeys(before).join()) changed++;
      expect(still.shopper(i).view()).toEqual(stillBefore);
    }
    // 10 days at 0.3/day: each favourite leaf has changed with probability 1 - e^-3 ≈ 0.95.
    expect(changed).toBeGreaterThan(45);
  });

  it('gives the same preferences at a time however often they were looked at before', () => {
    const stepwise = population(0.5);
    const once = population(0.5);
    for (let day = 1; day <= 20; day++)
      stepwise.shopper(11).advanceTo(START + day * DAY, stepwise.interestShifts);
    once.shopper(11).advanceTo(START + 20 * DAY, once.interestShifts);
    expect(stepwise.shopper(11).view()).toEqual(once.shopper(11).view());
  });

  it('moves most shoppers to other departments at an interest shift', () => {
    const shoppers = population(0);
    const before = Array.from({ length: 100 }, (_, i) => shoppers.shopper(i).view());
    shoppers.shift(START + DAY, 0.9);
    // Not before the moment...
    shoppers.shopper(0).advanceTo(START + DAY - 1, shoppers.interestShifts);
    expect(shoppers.shopper(0).view()).toEqual(before[0]);
    let moved = 0;
    for (let i = 0; i < 100; i++) {
      shoppers.shopper(i).advanceTo(START + DAY, shoppers.interestShifts);
      const after = shoppers.shopper(i).view();
      if (after.shifts === 1) {
        moved++;
        // ...and after it, their favourite departments are all new ones.
        expect(rootKeys(after).filter((r) => rootKeys(before[i]!).includes(r))).toEqual([]);
      } else {
        expect(after).toEqual(before[i]);
      }
    }
    expect(moved).toBeGreaterThan(80);
    expect(moved).toBeLessThan(100);
  });
});
