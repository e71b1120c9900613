import { afterPosition } from '@pulse/platform/http/after-position';
import { z } from 'zod';
import type {
  Promotion,
  RecommendationContext,
  RecommendationRules,
} from '../pipeline/recommendation-request';

/** A query parameter given once or repeated (`?brand=a&brand=b`) as a list. */
const list = (what: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().trim().min(1, `must not be empty (${what})`).max(500)).max(100, 'at most 100 values'))
    .optional();
const share = z.coerce.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const price = z.coerce.number().min(0, 'must be >= 0');

const context = z
  .string()
  .regex(/^(home|cart|product:[A-Za-z0-9._:~-]{1,128})$/, 'must be home, cart or product:<item id>')
  .default('home')
  .transform((value): RecommendationContext => {
    if (value === 'home' || value === 'cart') return { kind: value };
    return { kind: 'product', itemId: value.slice('product:'.length) };
  });

/** The rule parameters shared by recommendations and similar items. */
const ruleParams = {
  includeCategories: list('a category key'),
  excludeCategories: list('a category key'),
  includeBrands: list('a brand'),
  excludeBrands: list('a brand'),
  excludeItemIds: list('an item id'),
  minPrice: price.optional(),
  maxPrice: price.optional(),
};

export const recommendationsQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1, 'must be between 1 and 100').max(100, 'must be between 1 and 100').default(10),
    context,
    strategy: z.enum(['auto', 'popular', 'model']).default('auto'),
    diversity: share.optional(),
    exploration: share.optional(),
    ...ruleParams,
    cartItemIds: list('an item id'),
    promotionShare: share.optional(),
    promotionCategories: list('a category key'),
    promotionBrands: list('a brand'),
    promotionItemIds: list('an item id'),
    promotionNewerThanDays: z.coerce.number().positive('must be > 0').optional(),
    promotionOnSale: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    promotionLabel: z.string().max(200).optional(),
    after: afterPosition,
  })
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
    message: 'must be >= minPrice',
    path: ['maxPrice'],
  })
  .refine((q) => q.promotionShare === undefined || hasPromotionFilter(q), {
    message: 'a promotion needs a filter: promotionCategories, promotionBrands, promotionItemIds, promotionNewerThanDays or promotionOnSale',
    path: ['promotionShare'],
  });
export type RecommendationsQuery = z.infer<typeof recommendationsQuery>;

export const similarQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1, 'must be between 1 and 100').max(100, 'must be between 1 and 100').default(10),
    diversity: share.optional(),
    ...ruleParams,
    after: afterPosition,
  })
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
    message: 'must be >= minPrice',
    path: ['maxPrice'],
  });

function hasPromotionFilter(q: {
  promotionCategories?: string[];
  promotionBrands?: string[];
  promotionItemIds?: string[];
  promotionNewerThanDays?: number;
  promotionOnSale?: boolean;
}): boolean {
  return Boolean(
    q.promotionCategories?.length || q.promotionBrands?.length || q.promotionItemIds?.length ||
      q.promotionNewerThanDays !== undefined || q.promotionOnSale,
  );
}

export function rulesOf(q: {
  includeCategories?: string[];
  excludeCategories?: string[];
  includeBrands?: string[];
  excludeBrands?: string[];
  excludeItemIds?: string[];
  minPrice?: number;
  maxPrice?: number;
}): RecommendationRules {
  return {
    includeCategories: q.includeCategories,
    excludeCategories: q.excludeCategories,
    includeBrands: q.includeBrands,
    excludeBrands: q.excludeBrands,
    excludeItemIds: q.excludeItemIds,
    minPrice: q.minPrice,
    maxPrice: q.maxPrice,
  };
}

export function promotionOf(q: RecommendationsQuery): Promotion | undefined {
  if (q.promotionShare === undefined) return undefined;
  return {
    share: q.promotionShare,
    label: q.promotionLabel,
    filter: {
      categories: q.promotionCategories,
      brands: q.promotionBrands,
      itemIds: q.promotionItemIds,
      newerThanDays: q.promotionNewerThanDays,
      onSale: q.promotionOnSale,
    },
  };
}
