import type { InteractionKind } from '../domain/shopper.decider';

/**
 * How much one interaction adds to an affinity (category, brand, price band;
 * for `search`, each distinct query term). Chosen by how much intent each
 * shows: a view is a glance, a cart add a plan, a purchase a commitment.
 * A removal from the cart subtracts a little: "not this one after all" is a
 * real but weak negative, and it must not cancel the add (net +2 stays above
 * a plain view). Scores never stay below zero: a key that falls to zero is
 * dropped from the profile.
 *
 * Quantities don't scale the weight: ten units of one item are one decision,
 * and bulk orders would otherwise swamp everything else.
 */
export type InteractionWeights = Readonly<Record<InteractionKind, number>>;

export const DEFAULT_INTERACTION_WEIGHTS: InteractionWeights = {
  search: 1,
  view: 1,
  add_to_cart: 3,
  remove_from_cart: -1,
  purchase: 5,
};
