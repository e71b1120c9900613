import { Module, type Provider } from '@nestjs/common';
import { READ_MODELS, type ReadModels } from '@pulse/platform/projections/read-models';
import { ReadModelRecommendationData } from './application/read-model-recommendation-data';
import { RecommendationsService } from './application/recommendations.service';
import { SearchIndexFeeder } from './application/search-index.feeder';
import { SearchService } from './application/search.service';
import { ServedResponsesRecorder } from './application/served-responses.recorder';
import { ItemListingController } from './http/item-listing.controller';
import { RecommendationsController } from './http/recommendations.controller';
import { SearchController } from './http/search.controller';
import { ServingMetricsController } from './http/serving-metrics.controller';
import { RECOMMENDATION_DATA } from './pipeline/recommendation-data.port';

const recommendationData: Provider = {
  provide: RECOMMENDATION_DATA,
  inject: [READ_MODELS],
  useFactory: (readModels: ReadModels) => new ReadModelRecommendationData(readModels),
};

/** Ranking, recommendations, search, and how well they serve. */
@Module({
  controllers: [ItemListingController, RecommendationsController, SearchController, ServingMetricsController],
  providers: [recommendationData, ServedResponsesRecorder, RecommendationsService, SearchIndexFeeder, SearchService],
})
export class RecommendationsModule {}
