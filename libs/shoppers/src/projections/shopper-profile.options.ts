import { DEFAULT_INTERACTION_WEIGHTS, type InteractionWeights } from './interaction-weights';

export interface ShopperProfileOptions {
  /** Half-life of every affinity score. Stored in each profile so readers decay with the same one. */
  readonly halfLifeMs: number;
  /** Newest interactions kept in `recentInteractions`. Default 50. */
  readonly recentLimit?: number;
  /** Keys kept per affinity map (categories, brands, terms, price bands). Default 100. */
  readonly affinityLimit?: number;
  /** Distinct purchased item ids kept, newest first. Default 500. */
  readonly purchasedLimit?: number;
  /** Distinct item ids kept in `currentSession.itemIds`. Default 20. */
  readonly sessionItemLimit?: number;
  /** Distinct cart lines kept; lines beyond it are not added. Default 100. */
  readonly cartLimit?: number;
  /** Overrides of DEFAULT_INTERACTION_WEIGHTS. */
  readonly weights?: Partial<InteractionWeights>;
}

export type ResolvedShopperProfileOptions = Required<Omit<ShopperProfileOptions, 'weights'>> & {
  readonly weights: InteractionWeights;
};

export const SHOPPER_PROFILE_DEFAULTS = {
  recentLimit: 50,
  affinityLimit: 100,
  purchasedLimit: 500,
  sessionItemLimit: 20,
  cartLimit: 100,
} as const;

/** Fills defaults and refuses bad values at start-up, naming the option. */
export function resolveShopperProfileOptions(
  options: ShopperProfileOptions,
): ResolvedShopperProfileOptions {
  if (!(Number.isFinite(options.halfLifeMs) && options.halfLifeMs > 0)) {
    throw new RangeError(
      `shopper profile option halfLifeMs must be a positive number of milliseconds, got ${options.halfLifeMs}`,
    );
  }
  const resolved = {
    halfLifeMs: options.halfLifeMs,
    recentLimit: options.recentLimit ?? SHOPPER_PROFILE_DEFAULTS.recentLimit,
    affinityLimit: options.affinityLimit ?? SHOPPER_PROFILE_DEFAULTS.affinityLimit,
    purchasedLimit: options.purchasedLimit ?? SHOPPER_PROFILE_DEFAULTS.purchasedLimit,
    sessionItemLimit: options.sessionItemLimit ?? SHOPPER_PROFILE_DEFAULTS.sessionItemLimit,
    cartLimit: options.cartLimit ?? SHOPPER_PROFILE_DEFAULTS.cartLimit,
    weights: { ...DEFAULT_INTERACTION_WEIGHTS, ...options.weights },
  };
  for (const name of Object.keys(
    SHOPPER_PROFILE_DEFAULTS,
  ) as (keyof typeof SHOPPER_PROFILE_DEFAULTS)[]) {
    const value = resolved[name];
    if (!(Number.isSafeInteger(value) && value > 0)) {
      throw new RangeError(
        `shopper profile option ${name} must be a positive integer, got ${value}`,
      );
    }
  }
  for (const [kind, weight] of Object.entries(resolved.weights)) {
    if (!Number.isFinite(weight)) {
      throw new RangeError(
        `shopper profile weight for ${kind} must be a finite number, got ${weight}`,
      );
    }
  }
  return resolved;
}
