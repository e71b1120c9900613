import type { ResolvedContext } from '../candidates/candidate-generator';

/**
 * The deepest category of the product (product page) or of each cart line
 * (cart page, most recent line first, distinct, at most `n`); none at home.
 */
export function contextCategories(context: ResolvedContext, n = 3): string[] {
  const items =
    context.kind === 'product'
      ? context.product
        ? [context.product]
        : []
      : context.kind === 'cart'
        ? context.cartItems
        : [];
  const keys = items.flatMap((item) => item.categoryKeys.slice(-1));
  return [...new Set(keys)].slice(0, n);
}
