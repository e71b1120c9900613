import type { ShopperInterest } from '../profile/shopper-interest';
import type { RecommendationData } from '../recommendation-data.port';
import type { RecommendationContext } from '../recommendation-request';
import type { ResolvedContext } from './candidate-generator';

/**
 * Loads the context's items once for every generator: the product of a
 * product page; the cart lines (the profile's, latest first, then the
 * context's) and, on the cart page, their catalog documents.
 */
export async function resolveContext(
  data: RecommendationData,
  context: RecommendationContext,
  shopper: ShopperInterest,
): Promise<ResolvedContext> {
  const extraLines = context.kind === 'cart' ? (context.itemIds ?? []) : [];
  const cartItemIds = [...new Set([...[...shopper.cart].reverse(), ...extraLines])];
  const productId = context.kind === 'product' ? context.itemId : undefined;
  const wanted = [
    ...(productId !== undefined ? [productId] : []),
    ...(context.kind === 'cart' ? cartItemIds : []),
  ];
  const items = wanted.length > 0 ? await data.catalogItemsByIds(wanted) : new Map();
  return {
    kind: context.kind,
    ...(productId !== undefined && { productId }),
    product: productId !== undefined ? (items.get(productId) ?? null) : null,
    cartItemIds,
    cartItems:
      context.kind === 'cart'
        ? cartItemIds.flatMap((id) => (items.has(id) ? [items.get(id)!] : []))
        : [],
  };
}
