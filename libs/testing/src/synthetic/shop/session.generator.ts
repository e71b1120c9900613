import type { Catalog, ShopItem } from './catalog.generator';
import { roundPrice } from './catalog.generator';
import type { LeafCategory } from './category-tree';
import { choiceFit, clickProbability, relevance } from './click.model';
import { pickWeighted } from './preferences';
import type { SeededRandom } from './random';
import { buildQuery, searchResults } from './search-query';
import type { Shopper } from './shopper.model';
import type { WireInteraction } from './wire';

/**
 * One visit of one shopper, as a small state machine that yields one event
 * per step: the shopper has something in mind (a leaf category, mostly a
 * favourite), searches for it now and then and views what the search shows
 * them, browses popular items that suit them, puts some in the cart, takes
 * some out, and sometimes checks out. The tunables below give, per 100
 * views, roughly 15 searches, 8 add-to-carts, 1-2 removes and 2 purchases.
 */

export interface SessionBehaviour {
  /** Mean item views per session (geometric, so many short visits and a few long ones). */
  readonly meanViews: number;
  /** Chance the visit starts with a search. */
  readonly searchAtStart: number;
  /** Chance of a search at each later step. */
  readonly searchPerStep: number;
  /** At most this many results of one search are opened. */
  readonly maxViewsPerSearch: number;
  /** Chance of adding a viewed item to the cart at relevance 1 (scales with relevance squared). */
  readonly cartAtFullRelevance: number;
  /** Chance per step of taking something out of a non-empty cart. */
  readonly removePerStep: number;
  /** Chance that a visit ending with a non-empty cart checks out. */
  readonly checkout: number;
  /** Chance per view of moving on to another category. */
  readonly switchLeaf: number;
  /** Median time on an item page. */
  readonly dwellMedianMs: number;
}

export const DEFAULT_BEHAVIOUR: SessionBehaviour = {
  meanViews: 7,
  searchAtStart: 0.45,
  searchPerStep: 0.1,
  maxViewsPerSearch: 3,
  cartAtFullRelevance: 0.24,
  removePerStep: 0.04,
  checkout: 0.2,
  switchLeaf: 0.15,
  dwellMedianMs: 20_000,
};

export interface SessionContext {
  readonly catalog: Catalog;
  /** The traffic stream: every choice a session makes is drawn from it. */
  readonly random: SeededRandom;
  readonly behaviour: SessionBehaviour;
  /** A purchase at `at` took the item's last unit. */
  onSoldOut(item: ShopItem, at: number): void;
}

type Planned =
  | { readonly kind: 'view'; readonly item: ShopItem }
  | { readonly kind: 'cart'; readonly item: ShopItem }
  | { readonly kind: 'purchase'; readonly item: ShopItem; readonly quantity: number };

export interface SessionStep {
  readonly event: WireInteraction;
  /** Until the shopper's next event. */
  readonly gapMs: number;
}

export class Session {
  readonly id: string;
  private leaf: LeafCategory;
  private viewsLeft: number;
  private readonly queue: Planned[] = [];
  private started = false;
  private checkedOut = false;

  constructor(
    readonly shopper: Shopper,
    private readonly ctx: SessionContext,
  ) {
    shopper.sessions++;
    this.id = `${shopper.id}-s${shopper.sessions}`;
    this.viewsLeft = ctx.random.geometric(ctx.behaviour.meanViews);
    this.leaf = this.pickLeaf(0.5);
  }

  /** The event the shopper makes at `now`; null when the visit is over. */
  step(now: number): SessionStep | null {
    const { random, behaviour } = this.ctx;
    const first = !this.started;
    this.started = true;
    const planned = this.nextPlanned();
    if (planned) return this.perform(planned, now);

    if (this.viewsLeft <= 0) {
      if (!this.checkedOut && this.shopper.cart.size > 0 && random.chance(behaviour.checkout)) {
        this.checkedOut = true;
        this.planCheckout();
        const line = this.nextPlanned();
        if (line) return this.perform(line, now);
      }
      return null;
    }
    if (random.chance(first ? behaviour.searchAtStart : behaviour.searchPerStep))
      return this.search(now);
    if (this.shopper.cart.size > 0 && random.chance(behaviour.removePerStep))
      return this.remove(now);
    if (random.chance(behaviour.switchLeaf)) this.leaf = this.pickLeaf(1);
    return this.perform({ kind: 'view', item: this.pickItem(this.leaf) }, now);
  }

  /** The next planned step that can still happen: what sold out since it was planned can't be bought. */
  private nextPlanned(): Planned | undefined {
    for (;;) {
      const planned = this.queue.shift();
      if (!planned || planned.kind === 'view' || planned.item.stock > 0) return planned;
      if (planned.kind === 'purchase') this.shopper.cart.delete(planned.item.id);
    }
  }

  private perform(planned: Planned, now: number): SessionStep {
    const { random, behaviour } = this.ctx;
    const { item } = planned;
    switch (planned.kind) {
      case 'view': {
        this.viewsLeft--;
        const rel = relevance(this.shopper.prefs, item, this.ctx.catalog.tree);
        if (item.stock > 0 && random.chance(behaviour.cartAtFullRelevance * rel * rel)) {
          // Straight after the page view, before anything else the session planned.
          this.queue.unshift({ kind: 'cart', item });
        }
        return {
          event: { ...this.base(now), type: 'view', itemId: item.id },
          gapMs: random.logNormal(behaviour.dwellMedianMs, 0.8),
        };
      }
      case 'cart': {
        const quantity = random.chance(0.85) ? 1 : random.chance(0.8) ? 2 : 3;
        this.shopper.cart.set(item.id, (this.shopper.cart.get(item.id) ?? 0) + quantity);
        return {
          event: { ...this.base(now), type: 'add_to_cart', itemId: item.id, quantity },
          gapMs: random.logNormal(8_000, 0.7),
        };
      }
      case 'purchase': {
        const quantity = Math.min(planned.quantity, item.stock);
        this.shopper.cart.delete(item.id);
        item.stock -= quantity;
        if (item.stock === 0) this.ctx.onSoldOut(item, now);
        // Sometimes a voucher: the charged price is what price affinities learn from.
        const price = random.chance(0.15) ? roundPrice(item.price * 0.9) : item.price;
        const more = this.queue.length > 0 && this.queue[0]!.kind === 'purchase';
        return {
          event: {
            ...this.base(now),
            type: 'purchase',
            itemId: item.id,
            quantity,
            price,
            currency: this.ctx.catalog.currency,
          },
          // Order lines arrive together; after the last one the shopper lingers a little.
          gapMs: more ? random.int(300) : random.logNormal(15_000, 0.6),
        };
      }
    }
  }

  private search(now: number): SessionStep {
    const { catalog, random, behaviour } = this.ctx;
    const query = buildQuery(catalog, this.shopper.prefs, this.leaf, random);
    const results = searchResults(catalog, query, random);
    // The shopper scans the list top down and opens what attracts them (the click model).
    let opened = 0;
    for (const [position, item] of results.entries()) {
      if (opened >= behaviour.maxViewsPerSearch) break;
      if (random.chance(clickProbability(this.shopper.prefs, item, catalog.tree, position))) {
        this.queue.push({ kind: 'view', item });
        opened++;
      }
    }
    const event: WireInteraction = {
      ...this.base(now),
      type: 'search',
      query: query.text,
      resultItemIds: results.map((item) => item.id),
      ...(query.filters && { filters: { ...query.filters } }),
    };
    return { event, gapMs: random.logNormal(6_000, 0.6) };
  }

  private remove(now: number): SessionStep {
    const { random } = this.ctx;
    const [itemId, inCart] = random.pick([...this.shopper.cart.entries()]);
    const quantity = random.chance(0.7) ? inCart : 1;
    if (quantity >= inCart) this.shopper.cart.delete(itemId);
    else this.shopper.cart.set(itemId, inCart - quantity);
    return {
      event: { ...this.base(now), type: 'remove_from_cart', itemId, quantity },
      gapMs: random.logNormal(10_000, 0.7),
    };
  }

  /** One purchase per cart line still in stock; sold-out lines are dropped from the cart. */
  private planCheckout(): void {
    for (const [itemId, quantity] of this.shopper.cart) {
      const item = this.ctx.catalog.item(itemId)!;
      if (item.stock > 0) this.queue.push({ kind: 'purchase', item, quantity });
      else this.shopper.cart.delete(itemId);
    }
  }

  /** Mostly a favourite leaf or a leaf of a favourite department; sometimes anything (exploration). */
  private pickLeaf(explorationScale: number): LeafCategory {
    const { catalog, random } = this.ctx;
    const { tree } = catalog;
    const prefs = this.shopper.prefs;
    if (random.chance(prefs.exploration * explorationScale))
      return tree.leaves[tree.leafSampler.draw(random)]!;
    if (random.chance(0.6)) return tree.leaves[pickWeighted(prefs.leaves, random)]!;
    return tree.drawLeafIn(pickWeighted(prefs.roots, random), random);
  }

  /** A popular item of the leaf that suits the shopper (popularity draws, fit thins). */
  private pickItem(leaf: LeafCategory): ShopItem {
    const { catalog, random } = this.ctx;
    let item: ShopItem | undefined;
    for (let attempt = 0; attempt < 8; attempt++) {
      item = catalog.drawItemIn(leaf.index, random);
      if (!item) break;
      if (random.chance(choiceFit(this.shopper.prefs, item, catalog.tree))) return item;
    }
    if (item) return item;
    // Small catalogs leave some leaves empty: fall back to the department, then to anything.
    for (const other of random.shuffle([...catalog.tree.roots[leaf.root]!.leaves])) {
      const found = catalog.drawItemIn(other, random);
      if (found) return found;
    }
    return catalog.items[random.int(catalog.size)]!;
  }

  private base(now: number) {
    return {
      eventId: this.ctx.random.uuid(),
      shopperId: this.shopper.id,
      sessionId: this.id,
      occurredAt: new Date(now).toISOString(),
    };
  }
}
