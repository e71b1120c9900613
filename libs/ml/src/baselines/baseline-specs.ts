import type { ModelContext, ModelSpec, Params } from '../evaluation/recommender';
import { EaseRecommender } from './ease.recommender';
import { ItemKnnRecommender } from './item-knn.recommender';
import { MarkovRecommender } from './markov.recommender';
import { PopularityRecommender } from './popularity.recommender';
import { SessionKnnRecommender } from './session-knn.recommender';

const num = (p: Params, key: string): number => {
  const v = p[key];
  if (typeof v !== 'number' || Number.isNaN(v))
    throw new Error(`parameter ${key} must be a number, got ${String(v)}`);
  return v;
};
const bool = (p: Params, key: string): boolean => {
  const v = p[key];
  if (typeof v !== 'boolean')
    throw new Error(`parameter ${key} must be true or false, got ${String(v)}`);
  return v;
};
const round = (x: number): number => Number(x.toPrecision(3));

/** Catalogues larger than this get EASE restricted to EASE_RESTRICTED_ITEMS items by default. */
export const EASE_DENSE_LIMIT = 16000;
export const EASE_RESTRICTED_ITEMS = 12000;

export const popularitySpec: ModelSpec = {
  name: 'popularity',
  description: 'most popular by training interactions',
  defaults: () => ({}),
  create: () => new PopularityRecommender(),
};

export const markovSpec: ModelSpec = {
  name: 'markov',
  description: 'first-order Markov, last item -> next item counts, popularity tie-break',
  defaults: () => ({ popularityTieBreak: true }),
  create: (p) => new MarkovRecommender({ popularityTieBreak: bool(p, 'popularityTieBreak') }),
};

export const itemKnnSpec: ModelSpec = {
  name: 'itemknn',
  description: 'item-kNN, cosine over sequence co-occurrence, recency-weighted history',
  defaults: () => ({ recencyDecay: 0.5, neighbors: 0 }),
  grid: () => ({ recencyDecay: [1, 0.8, 0.6, 0.4, 0.2, 0.05], neighbors: [0, 100] }),
  search: 'grid',
  create: (p) =>
    new ItemKnnRecommender({
      recencyDecay: num(p, 'recencyDecay'),
      neighbors: num(p, 'neighbors'),
    }),
};

export const sknnSpec: ModelSpec = {
  name: 'sknn',
  description: 'session-kNN (cosine, k most similar sessions vote)',
  defaults: (c) => ({ k: 100, sampleSize: c.hasTimes ? 1000 : 0 }),
  grid: (c) => ({
    k: [50, 100, 200, 500],
    ...(c.hasTimes ? { sampleSize: [500, 1000, 5000, 0] } : {}),
  }),
  search: 'grid',
  create: (p) =>
    new SessionKnnRecommender({ k: num(p, 'k'), sampleSize: num(p, 'sampleSize') }, 'sknn'),
};

/**
 * STAN's lambdas scale with the data: position decays in multiples of the
 * average training sequence length (as session-rec does), neighbour recency
 * in fractions of the training time span (session ordinals on Diginetica).
 * Defaults are the best point of a coordinate search on Diginetica's
 * validation split; the grid is searched one coordinate at a time.
 */
function stanDefaults(c: ModelContext): Params {
  const len = Math.max(1, c.averageSequenceLength);
  return {
    k: 100,
    sampleSize: c.hasTimes ? 5000 : 0,
    lambdaSpw: round(0.25 * len),
    lambdaSnh: c.hasTimes && c.timeSpan > 0 ? round(c.timeSpan) : 0,
    lambdaInh: round(0.5 * len),
  };
}

export const stanSpec: ModelSpec = {
  name: 'stan',
  description:
    'STAN (Garg et al. 2019): session-kNN with position decay in the current session, neighbour recency, neighbour-item position decay',
  defaults: stanDefaults,
  grid: (c) => {
    const len = Math.max(1, c.averageSequenceLength);
    const lens = (fs: number[]): number[] => fs.map((f) => round(f * len));
    return {
      lambdaSpw: [...lens([0.1, 0.25, 0.5, 1, 2]), 0],
      lambdaInh: [...lens([0.25, 0.5, 1, 2, 4]), 0],
      k: [50, 100, 200, 500],
      ...(c.hasTimes && c.timeSpan > 0
        ? {
            lambdaSnh: [0.03, 0.1, 0.3, 1, 3].map((f) => round(f * c.timeSpan)).concat([0]),
            sampleSize: [1000, 5000, 0],
          }
        : {}),
    };
  },
  search: 'coordinate',
  create: (p) =>
    new SessionKnnRecommender(
      {
        k: num(p, 'k'),
        sampleSize: num(p, 'sampleSize'),
        lambdaSpw: num(p, 'lambdaSpw'),
        lambdaSnh: num(p, 'lambdaSnh'),
        lambdaInh: num(p, 'lambdaInh'),
      },
      'stan',
    ),
};

export const easeSpec: ModelSpec = {
  name: 'ease',
  description: 'EASE closed form, dense inverse in Float64',
  defaults: (c) => ({
    lambda: 50,
    maxItems: c.numItems > EASE_DENSE_LIMIT ? EASE_RESTRICTED_ITEMS : 0,
  }),
  // No grid: one fit on Beauty's 12k items takes minutes in plain JS; lambda 50 is the README's value.
  create: (p) => new EaseRecommender({ lambda: num(p, 'lambda'), maxItems: num(p, 'maxItems') }),
};

/** Every baseline, in report order. */
export const BASELINE_SPECS: readonly ModelSpec[] = [
  popularitySpec,
  markovSpec,
  itemKnnSpec,
  easeSpec,
  sknnSpec,
  stanSpec,
];

export function findBaselineSpec(name: string): ModelSpec | undefined {
  return BASELINE_SPECS.find((s) => s.name === name.toLowerCase());
}
