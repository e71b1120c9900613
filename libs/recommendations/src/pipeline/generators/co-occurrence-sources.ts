import type { InteractionKind } from '@pulse/shoppers/domain/shopper.decider';
import type { ResolvedContext } from '../candidates/candidate-generator';
import type { CoOccurrenceSource, SourceInteraction } from '../candidates/evidence';
import type { GeneratorSettings } from '../pipeline-options';
import type { ShopperInterest } from '../profile/shopper-interest';

const asSource: Partial<Record<InteractionKind, SourceInteraction>> = {
  view: 'viewed',
  add_to_cart: 'added_to_cart',
  purchase: 'bought',
};

/** Cart lines used as sources at most (a bot's 100-line cart would swamp everything). */
const MAX_CART_SOURCES = 20;

/**
 * The items whose neighbours are looked up, most telling first: the product
 * on screen, the cart lines on the cart page, then the shopper's latest
 * distinct items (views, cart adds, purchases; the current session's are
 * among them). A recent item counts 2^(-age/sourceHalfLife) times its
 * kind's weight, so what was viewed a minute ago leads what was viewed
 * yesterday. An item is a source once, under its first (strongest) role.
 */
export function coOccurrenceSources(
  context: ResolvedContext,
  interest: ShopperInterest,
  now: number,
  settings: GeneratorSettings,
): CoOccurrenceSource[] {
  const sources: CoOccurrenceSource[] = [];
  const seen = new Set<string>();
  const add = (source: CoOccurrenceSource) => {
    if (seen.has(source.itemId) || !(source.weight > 0)) return;
    seen.add(source.itemId);
    sources.push(source);
  };
  if (context.kind === 'product' && context.productId !== undefined) {
    add({
      itemId: context.productId,
      interaction: 'current_product',
      weight: settings.sourceWeights.current_product,
    });
  }
  if (context.kind === 'cart') {
    for (const itemId of context.cartItemIds.slice(0, MAX_CART_SOURCES)) {
      add({ itemId, interaction: 'in_cart', weight: settings.sourceWeights.in_cart });
    }
  }
  let recent = 0;
  for (const interaction of interest.recentItemInteractions) {
    if (recent >= settings.maxSourceItems) break;
    const kind = asSource[interaction.type];
    if (kind === undefined || seen.has(interaction.itemId!)) continue;
    const age = Math.max(0, now - Date.parse(interaction.occurredAt));
    add({
      itemId: interaction.itemId!,
      interaction: kind,
      occurredAt: interaction.occurredAt,
      weight: settings.sourceWeights[kind] * 2 ** (-age / settings.sourceHalfLifeMs),
    });
    recent++;
  }
  return sources;
}
