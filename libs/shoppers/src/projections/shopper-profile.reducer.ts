import { categoryKeys } from '@pulse/catalog/projections/category-keys';
import { encodeKey, setOwn } from '@pulse/platform/text/document-key';
import { uniqueTerms } from '@pulse/platform/text/tokenizer';
import { addToDecayedScores, type DecayedAddition } from '@pulse/platform/time/decayed-map';
import type { InteractionKind } from '../domain/shopper.decider';
import { priceBandKey } from './price-band';
import type {
  CurrentSession,
  RecentInteraction,
  ShopperAffinities,
  ShopperProfileDocument,
} from './shopper-profile.document';
import type { ProfileItemFacts } from './shopper-profile-items';
import type { ResolvedShopperProfileOptions } from './shopper-profile.options';

/** One shopper event, as the profile needs it. */
export type ProfileInteraction = {
  readonly type: InteractionKind;
  readonly shopperId: string;
  readonly sessionId: string;
  /** ISO, UTC (the decider normalises it). */
  readonly occurredAt: string;
  readonly itemId?: string;
  readonly query?: string;
  readonly quantity?: number;
  /** Purchases: the unit price charged, and its currency when the client sent one. */
  readonly unitPrice?: number;
  readonly currency?: string;
};

export type ProfileContext = {
  /** What the projection knew about the item at this point of the log, if anything. */
  readonly item: ProfileItemFacts | null;
  /** The store's commit time of the event (ISO). */
  readonly recordedAt: string;
};

/**
 * Folds one interaction into a shopper's profile. Pure: every input arrives
 * as an argument, time included (the event's occurredAt, never a clock), and
 * the previous document is copied, never changed.
 */
export function applyInteraction(
  profile: ShopperProfileDocument | null,
  interaction: ProfileInteraction,
  context: ProfileContext,
  options: ResolvedShopperProfileOptions,
): ShopperProfileDocument {
  const previous = profile ?? emptyProfile(interaction, options);
  return {
    ...previous,
    halfLifeMs: options.halfLifeMs,
    affinities: withAffinities(previous.affinities, interaction, context.item, options),
    recentInteractions: withRecent(previous.recentInteractions, interaction, options.recentLimit),
    purchasedItemIds:
      interaction.type === 'purchase'
        ? moveToFront(previous.purchasedItemIds, interaction.itemId!, options.purchasedLimit)
        : previous.purchasedItemIds,
    cart: withCart(previous.cart, interaction, options.cartLimit),
    currentSession: withSession(previous.currentSession, interaction, options.sessionItemLimit),
    counts: { ...previous.counts, [interaction.type]: previous.counts[interaction.type] + 1 },
    firstSeenAt: earlier(previous.firstSeenAt, interaction.occurredAt),
    lastSeenAt: later(previous.lastSeenAt, interaction.occurredAt),
    lastEventAt: context.recordedAt,
  };
}

function emptyProfile(
  interaction: ProfileInteraction,
  options: ResolvedShopperProfileOptions,
): ShopperProfileDocument {
  return {
    shopperId: interaction.shopperId,
    halfLifeMs: options.halfLifeMs,
    affinities: { categories: {}, brands: {}, terms: {}, priceBands: {} },
    recentInteractions: [],
    purchasedItemIds: [],
    cart: {},
    currentSession: {
      sessionId: interaction.sessionId,
      startedAt: interaction.occurredAt,
      lastAt: interaction.occurredAt,
      itemIds: [],
    },
    counts: { search: 0, view: 0, add_to_cart: 0, remove_from_cart: 0, purchase: 0 },
    firstSeenAt: interaction.occurredAt,
    lastSeenAt: interaction.occurredAt,
    lastEventAt: interaction.occurredAt,
  };
}

// ---- affinities ---------------------------------------------------------------

function withAffinities(
  affinities: ShopperAffinities,
  interaction: ProfileInteraction,
  item: ProfileItemFacts | null,
  options: ResolvedShopperProfileOptions,
): ShopperAffinities {
  const weight = options.weights[interaction.type];
  const at = Date.parse(interaction.occurredAt);
  const add = (scores: ShopperAffinities[keyof ShopperAffinities], keys: readonly string[]) =>
    keys.length === 0
      ? scores
      : addToDecayedScores(
          scores,
          keys.map((key): DecayedAddition => ({ key: encodeKey(key), weight })),
          at,
          options.halfLifeMs,
          options.affinityLimit,
        );

  if (interaction.type === 'search') {
    return { ...affinities, terms: add(affinities.terms, uniqueTerms(interaction.query ?? '')) };
  }
  const band = priceBandOf(interaction, item);
  return {
    ...affinities,
    // An item the projection has not seen listed (the catalog feed can lag
    // the storefront) still counts elsewhere, it just tells nothing here.
    categories: item
      ? add(affinities.categories, categoryKeys(item.categoryPath))
      : affinities.categories,
    brands: item && item.brand !== '' ? add(affinities.brands, [item.brand]) : affinities.brands,
    priceBands: band ? add(affinities.priceBands, [band]) : affinities.priceBands,
  };
}

/**
 * A purchase says what the shopper paid (discounts included), which is the
 * better price signal; without a currency it is in the item's catalog
 * currency (docs/events.md). Everything else uses the catalog price.
 */
function priceBandOf(
  interaction: ProfileInteraction,
  item: ProfileItemFacts | null,
): string | null {
  if (interaction.type === 'purchase' && interaction.unitPrice !== undefined) {
    const currency = interaction.currency ?? item?.currency;
    return currency ? priceBandKey(interaction.unitPrice, currency) : null;
  }
  return item ? priceBandKey(item.price, item.currency) : null;
}

// ---- lists ----------------------------------------------------------------------

/**
 * Inserted by occurredAt, newest first, so a late (buffered) event lands
 * where it happened instead of on top; among equal times the later-logged
 * one comes first. An event older than everything kept falls off the end.
 */
function withRecent(
  recent: readonly RecentInteraction[],
  interaction: ProfileInteraction,
  limit: number,
): RecentInteraction[] {
  const entry: RecentInteraction = {
    type: interaction.type,
    ...(interaction.itemId !== undefined && { itemId: interaction.itemId }),
    ...(interaction.query !== undefined && { query: interaction.query }),
    sessionId: interaction.sessionId,
    occurredAt: interaction.occurredAt,
  };
  const time = Date.parse(interaction.occurredAt);
  let index = recent.findIndex((other) => Date.parse(other.occurredAt) <= time);
  if (index === -1) index = recent.length;
  return [...recent.slice(0, index), entry, ...recent.slice(index)].slice(0, limit);
}

function moveToFront(ids: readonly string[], id: string, limit: number): string[] {
  return [id, ...ids.filter((other) => other !== id)].slice(0, limit);
}

/**
 * Same rules as the shopper decider's cart: removes and purchases of more
 * than was seen added are clamped at zero, and a line at zero disappears.
 * A cart already at `cartLimit` lines takes no new line (only bots get
 * there), which keeps the document bounded without guessing which line to drop.
 */
function withCart(
  cart: Readonly<Record<string, number>>,
  interaction: ProfileInteraction,
  limit: number,
): Readonly<Record<string, number>> {
  const sign =
    interaction.type === 'add_to_cart'
      ? 1
      : interaction.type === 'remove_from_cart' || interaction.type === 'purchase'
        ? -1
        : 0;
  if (sign === 0) return cart;
  const key = encodeKey(interaction.itemId!);
  const had = Object.hasOwn(cart, key);
  const quantity = (had ? cart[key]! : 0) + sign * (interaction.quantity ?? 1);
  if (!had && (quantity <= 0 || Object.keys(cart).length >= limit)) return cart;
  const next: Record<string, number> = {};
  for (const [other, value] of Object.entries(cart)) {
    if (other !== key) setOwn(next, other, value);
  }
  if (quantity > 0) setOwn(next, key, quantity);
  return next;
}

/**
 * The same sessionId extends the session; another one replaces it (the
 * shopper came back), unless the event happened before the current session
 * started: that is a late event of an older session, not a new one.
 */
function withSession(
  session: CurrentSession,
  interaction: ProfileInteraction,
  itemLimit: number,
): CurrentSession {
  const { sessionId, occurredAt, itemId } = interaction;
  const addItem = (ids: readonly string[]) =>
    itemId === undefined ? [...ids] : moveToFront(ids, itemId, itemLimit);
  if (sessionId === session.sessionId) {
    return {
      sessionId,
      startedAt: earlier(session.startedAt, occurredAt),
      lastAt: later(session.lastAt, occurredAt),
      itemIds: addItem(session.itemIds),
    };
  }
  if (Date.parse(occurredAt) < Date.parse(session.startedAt)) return session;
  return { sessionId, startedAt: occurredAt, lastAt: occurredAt, itemIds: addItem([]) };
}

// ---- helpers ----------------------------------------------------------------------

function earlier(a: string, b: string): string {
  return Date.parse(b) < Date.parse(a) ? b : a;
}

function later(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}
