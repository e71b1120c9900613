import { z } from 'zod';

/**
 * `?after=<position>`: the global position a write answered with. Read
 * endpoints wait (bounded) until their read models include it, so a shop can
 * show state that includes the click it just sent.
 */
export const afterPosition = z
  .string()
  .regex(/^\d{1,20}$/, 'must be a global position as returned by a write (digits)')
  .transform((value) => BigInt(value))
  .optional();
