import type { CandidateGenerator } from '../candidates/candidate-generator';
import { brandPopularityGenerator } from './brand-popularity.generator';
import { categoryPopularityGenerator } from './category-popularity.generator';
import { coldStartGenerator } from './cold-start.generator';
import { coOccurrenceGenerator } from './co-occurrence.generator';
import { newItemsGenerator } from './new-items.generator';
import { popularGenerator } from './popular.generator';
import { trendingGenerator } from './trending.generator';

export const BUILT_IN_GENERATORS: readonly CandidateGenerator[] = [
  coOccurrenceGenerator,
  categoryPopularityGenerator,
  brandPopularityGenerator,
  trendingGenerator,
  newItemsGenerator,
  coldStartGenerator,
  popularGenerator,
];

export {
  brandPopularityGenerator,
  categoryPopularityGenerator,
  coldStartGenerator,
  coOccurrenceGenerator,
  newItemsGenerator,
  popularGenerator,
  trendingGenerator,
};
