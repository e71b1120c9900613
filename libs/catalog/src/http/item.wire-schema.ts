import { z } from 'zod';

/** Item ids appear in URLs and stream names: keep them URL- and log-safe. */
export const itemId = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9._:~-]+$/, 'may hold only letters, digits and . _ : ~ -');

const attributeValue = z.union([z.string().max(1000), z.number(), z.boolean()]);

/** Body of PUT /v1/items/:id: the whole item as the shop sees it now. */
export const itemBody = z.strictObject({
  title: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
  description: z.string().max(20_000, 'must be at most 20000 characters').default(''),
  categoryPath: z
    .array(z.string().trim().min(1, 'must not be empty').max(200), { error: 'must be an array of category names, root first' })
    .min(1, 'must name at least one category')
    .max(20, 'at most 20 levels'),
  brand: z.string().trim().max(200).default(''),
  price: z.number({ error: 'must be a number' }).min(0, 'must be >= 0').max(1e9),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
  stock: z.number({ error: 'must be a whole number' }).int('must be a whole number').min(0, 'must be >= 0'),
  attributes: z
    .record(z.string().max(100), attributeValue)
    .refine((a) => Object.keys(a).length <= 100, 'at most 100 attributes')
    .default({}),
  imageUrl: z
    .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
    .max(2000)
    .optional(),
});
export type ItemBody = z.infer<typeof itemBody>;

/** Body of PATCH /v1/items/:id: the fields that change often. */
export const itemPatchBody = z
  .strictObject({
    price: z.number({ error: 'must be a number' }).min(0, 'must be >= 0').max(1e9).optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').optional(),
    stock: z.number().int('must be a whole number').min(0, 'must be >= 0').optional(),
  })
  .refine((b) => b.price !== undefined || b.stock !== undefined, {
    message: 'give price or stock (or both)',
  })
  .refine((b) => b.currency === undefined || b.price !== undefined, {
    message: 'currency changes only together with price',
    path: ['currency'],
  });
export type ItemPatchBody = z.infer<typeof itemPatchBody>;

/** Body of POST /v1/items/batch: bulk import, each item with its id. */
export const itemBatchBody = z.strictObject({
  items: z
    .array(z.unknown())
    .min(1, 'must hold at least one item')
    .max(1000, 'at most 1000 items per request'),
});
export const itemWithId = itemBody.extend({ id: itemId });
