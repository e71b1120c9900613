import { InMemoryRecommendationData } from './in-memory-recommendation-data';
import { describeRecommendationDataContract } from './recommendation-data.contract';

describeRecommendationDataContract(
  'in memory',
  async (seed) => new InMemoryRecommendationData(seed),
);
