import { itemWithId } from '@pulse/catalog/http/item.wire-schema';
import { interactionWireEvent } from '@pulse/shoppers/http/interaction.wire-schema';
import { startAtFor, SyntheticShop } from './synthetic-shop';
import type { ShopEvent, WireInteraction } from './wire';

const HAN = /\p{Script=Han}/u;
const interactionsOf = (events: readonly ShopEvent[]): WireInteraction[] =>
  events.flatMap((e) => (e.kind === 'interaction' ? [e.event] : []));

describe('SyntheticShop', () => {
  // One run shared by the statistical checks: 12k interactions over a 2k-item shop.
  // New items at 20 an hour, so a run of about an hour lists some.
  const shop = new SyntheticShop({ seed: 11, items: 2000, shoppers: 1500, newItemsPerDay: 480 });
  const happenings = [...shop.events(12_000)];
  const interactions = interactionsOf(happenings);
  const count = (type: WireInteraction['type']) =>
    interactions.filter((e) => e.type === type).length;

  it('is the same stream for the same seed, and another for another seed', () => {
    const run = (seed: number) =>
      JSON.stringify(new SyntheticShop({ seed, items: 500 }).take(1000));
    expect(run(5)).toBe(run(5));
    expect(run(6)).not.toBe(run(5));
  });

  it('does not change its traffic when the ground truth is asked', () => {
    const quiet = new SyntheticShop({ seed: 8, items: 500 });
    const asked = new SyntheticShop({ seed: 8, items: 500 });
    const a = quiet.take(1200);
    const b: ShopEvent[] = [];
    for (let i = 0; i < 1200; i++) {
      const next = asked.next();
      b.push(next);
      if (next.kind === 'interaction' && next.event.type === 'view') {
        asked.preferenceOf(next.event.shopperId);
        asked.wouldClick(next.event.shopperId, next.event.itemId, 2);
        asked.preferenceOf('customer-000001');
      }
    }
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('mixes event types in shop-like ratios: views ≫ carts > purchases', () => {
    const views = count('view');
    const per100 = (n: number) => (100 * n) / views;
    expect(views / interactions.length).toBeGreaterThan(0.65);
    expect(per100(count('search'))).toBeGreaterThan(10);
    expect(per100(count('search'))).toBeLessThan(20);
    expect(per100(count('add_to_cart'))).toBeGreaterThan(5);
    expect(per100(count('add_to_cart'))).toBeLessThan(12);
    expect(per100(count('remove_from_cart'))).toBeGreaterThan(0.3);
    expect(per100(count('purchase'))).toBeGreaterThan(1);
    expect(per100(count('purchase'))).toBeLessThan(4.5);
    expect(count('purchase')).toBeLessThan(count('add_to_cart'));
  });

  it('concentrates views on few items (Zipf within categories)', () => {
    const views = new Map<string, number>();
    for (const e of interactions)
      if (e.type === 'view') views.set(e.itemId, (views.get(e.itemId) ?? 0) + 1);
    const sorted = [...views.values()].sort((a, b) => b - a);
    const top = Math.ceil(shop.catalog.size * 0.1);
    const share = sorted.slice(0, top).reduce((a, b) => a + b, 0) / count('view');
    // Uniform browsing would give the top 10% about 10% of views.
    expect(share).toBeGreaterThan(0.4);
  });

  it('sends only events and items that Pulse accepts as they are', () => {
    const problems: string[] = [];
    // A third of the run has every kind of event many times over; parsing all would only be slower.
    for (const event of interactions.slice(0, 4000)) {
      const parsed = interactionWireEvent.safeParse(event);
      if (!parsed.success) problems.push(`${event.eventId}: ${parsed.error.message}`);
      else if (JSON.stringify(sortKeys(parsed.data)) !== JSON.stringify(sortKeys(event)))
        problems.push(`${event.eventId}: changed by parsing`);
    }
    for (const h of happenings) {
      if (
        h.kind === 'catalog' &&
        h.change.type === 'put' &&
        !itemWithId.safeParse(h.change.item).success
      )
        problems.push(h.change.item.id);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('lists new items as time goes on, before anyone sees them', () => {
    const known = new Set(shop.initialItems.map((i) => i.id));
    const unknownMentions: string[] = [];
    for (const h of happenings) {
      if (h.kind === 'catalog') {
        if (h.change.type === 'put') known.add(h.change.item.id);
        continue;
      }
      const ids = h.event.type === 'search' ? (h.event.resultItemIds ?? []) : [h.event.itemId];
      unknownMentions.push(...ids.filter((id) => !known.has(id)));
    }
    expect(unknownMentions).toEqual([]);
    const changes = happenings.flatMap((h) => (h.kind === 'catalog' ? [h.change] : []));
    expect(changes.filter((c) => c.type === 'put').length).toBeGreaterThan(0);
    expect(known.size).toBeGreaterThan(shop.initialItems.length);
  });

  it('sells items out and restocks them', () => {
    // A tiny catalog sells out within minutes; restocks here come within about a quarter of an hour.
    const small = new SyntheticShop({
      seed: 14,
      items: 100,
      shoppers: 200,
      restockAfterDays: 0.01,
    });
    const changes = small.take(6000).flatMap((h) => (h.kind === 'catalog' ? [h.change] : []));
    const soldOut = changes.flatMap((c) => (c.type === 'stock' && c.stock === 0 ? [c.itemId] : []));
    const restocked = changes.flatMap((c) => (c.type === 'stock' && c.stock > 0 ? [c.itemId] : []));
    expect(soldOut.length).toBeGreaterThan(0);
    expect(restocked.length).toBeGreaterThan(0);
    // Nothing is bought while sold out.
    expect(small.catalog.items.every((i) => i.stock >= 0)).toBe(true);
  });

  it('advances a simulated clock: timestamps never go back and visits take minutes', () => {
    const times = happenings.map((h) => h.at);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(interactions.every((e) => Date.parse(e.occurredAt) >= shop.startAt)).toBe(true);
    const bySession = new Map<string, number[]>();
    for (const e of interactions)
      bySession.set(e.sessionId, [...(bySession.get(e.sessionId) ?? []), Date.parse(e.occurredAt)]);
    const durations = [...bySession.values()]
      .filter((t) => t.length >= 5)
      .map((t) => t[t.length - 1]! - t[0]!);
    const medianMinutes =
      durations.sort((a, b) => a - b)[Math.floor(durations.length / 2)]! / 60_000;
    expect(medianMinutes).toBeGreaterThan(1);
    expect(medianMinutes).toBeLessThan(30);
  });

  it('starts in full swing after a warm-up: visits already under way at the start', () => {
    const sessionsSeen = (warmUpMs: number) => {
      const fresh = new SyntheticShop({ seed: 13, items: 300, warmUpMs });
      const sessions = new Set(interactionsOf(fresh.take(300)).map((e) => e.sessionId));
      return { seen: sessions.size, started: fresh.stats.sessions };
    };
    const cold = sessionsSeen(0);
    expect(cold.seen).toBeLessThanOrEqual(cold.started);
    const warm = sessionsSeen(30 * 60_000);
    expect(warm.seen).toBeGreaterThan(warm.started);
  });

  it('knows when to start so that a run ends just before a given moment, at night or in the evening', () => {
    for (const endAt of [Date.UTC(2026, 0, 10, 4), Date.UTC(2026, 0, 10, 20)]) {
      const startAt = startAtFor(5000 * 1.05, endAt);
      const timed = new SyntheticShop({ seed: 15, items: 300, startAt });
      for (const _ of timed.events(5000));
      expect(timed.now).toBeLessThanOrEqual(endAt);
      expect(endAt - timed.now).toBeLessThan(0.25 * (endAt - startAt));
    }
  });

  it('has returning shoppers with many visits and anonymous one-visit shoppers', () => {
    const sessionsOf = new Map<string, Set<string>>();
    for (const e of interactions)
      sessionsOf.set(e.shopperId, (sessionsOf.get(e.shopperId) ?? new Set()).add(e.sessionId));
    const anonymous = [...sessionsOf.entries()].filter(([id]) => id.startsWith('anon-'));
    const returning = [...sessionsOf.entries()].filter(([id]) => id.startsWith('customer-'));
    expect(anonymous.length).toBeGreaterThan(100);
    expect(anonymous.every(([, sessions]) => sessions.size === 1)).toBe(true);
    expect(Math.max(...returning.map(([, sessions]) => sessions.size))).toBeGreaterThanOrEqual(5);
  });

  it('searches in English and Chinese, and shoppers open what the search showed them', () => {
    const searches = interactions.filter((e) => e.type === 'search');
    const chinese = searches.filter((e) => HAN.test(e.query)).length;
    expect(chinese / searches.length).toBeGreaterThan(0.15);
    expect(chinese / searches.length).toBeLessThan(0.6);
    // The event after a search in the same session is often a view of one of its results.
    let followed = 0;
    let fromResults = 0;
    const lastSearch = new Map<string, Set<string>>();
    for (const e of interactions) {
      if (e.type === 'search') lastSearch.set(e.sessionId, new Set(e.resultItemIds));
      else if (lastSearch.has(e.sessionId)) {
        followed++;
        if (e.type === 'view' && lastSearch.get(e.sessionId)!.has(e.itemId)) fromResults++;
        lastSearch.delete(e.sessionId);
      }
    }
    expect(fromResults / followed).toBeGreaterThan(0.3);
  });

  it('browses mostly within the shopper’s favourite departments', () => {
    let inFavourites = 0;
    let views = 0;
    for (const e of interactions) {
      if (e.type !== 'view' || !e.shopperId.startsWith('customer-')) continue;
      const roots = shop.preferenceOf(e.shopperId)!.roots.map((r) => r.key);
      views++;
      if (roots.includes(shop.catalog.item(e.itemId)!.leaf.path[0])) inFavourites++;
    }
    expect(inFavourites / views).toBeGreaterThan(0.7);
  });

  it('shifts interests mid-run: afterwards shoppers browse other departments', () => {
    const shifting = new SyntheticShop({
      seed: 12,
      items: 400,
      shoppers: 150,
      interestShift: { afterEvents: 3000, share: 1 },
    });
    // The shift comes with the 3000th event: read the preferences just before it.
    const before = interactionsOf([...shifting.events(2999)]);
    const rootsBefore = new Map(
      shifting
        .returningShopperIds()
        .map((id) => [id, shifting.preferenceOf(id)!.roots.map((r) => r.key)]),
    );
    expect(shifting.preferenceOf([...rootsBefore.keys()][0]!)!.shifts).toBe(0);
    const after = interactionsOf([...shifting.events(3001)]);
    const shareInOldRoots = (events: WireInteraction[]) => {
      const views = events.filter(
        (e) => e.type === 'view' && rootsBefore.has(e.shopperId),
      ) as Extract<WireInteraction, { type: 'view' }>[];
      const inOld = views.filter((e) =>
        rootsBefore.get(e.shopperId)!.includes(shifting.catalog.item(e.itemId)!.leaf.path[0]),
      );
      return inOld.length / views.length;
    };
    expect(before.length).toBe(2999);
    expect(shareInOldRoots(before)).toBeGreaterThan(0.7);
    expect(shareInOldRoots(after)).toBeLessThan(0.3);
    const someone = [...rootsBefore.keys()][0]!;
    expect(shifting.preferenceOf(someone)!.shifts).toBe(1);
  });
});

function sortKeys(value: object): object {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}
