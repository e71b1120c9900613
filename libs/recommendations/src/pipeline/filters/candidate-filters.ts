import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import type { ResolvedContext } from '../candidates/candidate-generator';
import type { ShopperInterest } from '../profile/shopper-interest';
import type { FilteredOutCounts } from '../recommendation-result';
import type { CompiledRules } from './request-rules';

export interface FilterEnvironment {
  readonly context: ResolvedContext;
  /** The shopper whose purchases, cart and session are left out (EMPTY when anonymous). */
  readonly shopper: ShopperInterest;
  readonly rules: CompiledRules;
  /** Category keys (any level) whose purchased items may come back. */
  readonly repeatPurchaseCategories: ReadonlySet<string>;
  readonly excludeSessionItems: boolean;
}

export type FilterReason = keyof FilteredOutCounts;

export const emptyFilteredOut = (): FilteredOutCounts => ({
  unavailable: 0,
  contextItem: 0,
  bought: 0,
  inCart: 0,
  seen: 0,
  outOfStock: 0,
  rules: 0,
});

/**
 * Why an item must not be shown, or null. The catalog document is the
 * truth about the item now (statistics carry facts as of their last
 * interaction): no document means unknown, and an unknown or delisted item
 * is never recommended. Checked in the order of FilteredOutCounts.
 */
export function rejectionOf(
  itemId: string,
  item: CatalogItemDocument | undefined,
  env: FilterEnvironment,
): FilterReason | null {
  if (item === undefined || item.status !== 'active') return 'unavailable';
  if (itemId === env.context.productId) return 'contextItem';
  if (env.shopper.purchased.has(itemId) && !isRepeatPurchase(item, env)) return 'bought';
  if (env.context.cartItemIds.includes(itemId)) return 'inCart';
  if (env.excludeSessionItems && env.shopper.sessionItems.has(itemId)) return 'seen';
  if (!item.inStock) return 'outOfStock';
  if (!env.rules.matches(item)) return 'rules';
  return null;
}

/** Splits candidates into the eligible ones (in input order) and counts of the rest. */
export function filterCandidates(
  itemIds: readonly string[],
  catalog: ReadonlyMap<string, CatalogItemDocument>,
  env: FilterEnvironment,
): { eligible: string[]; filteredOut: FilteredOutCounts } {
  const filteredOut = emptyFilteredOut();
  const eligible: string[] = [];
  for (const itemId of itemIds) {
    const reason = rejectionOf(itemId, catalog.get(itemId), env);
    if (reason === null) eligible.push(itemId);
    else filteredOut[reason]++;
  }
  return { eligible, filteredOut };
}

function isRepeatPurchase(item: CatalogItemDocument, env: FilterEnvironment): boolean {
  return item.categoryKeys.some((key) => env.repeatPurchaseCategories.has(key));
}
