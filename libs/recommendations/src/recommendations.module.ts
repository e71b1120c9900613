import { Module } from '@nestjs/common';
import { ServedResponsesRecorder } from './application/served-responses.recorder';
import { ItemListingController } from './http/item-listing.controller';
import { ServingMetricsController } from './http/serving-metrics.controller';

/** Ranking, recommendations, search, and how well they serve. */
@Module({
  controllers: [ItemListingController, ServingMetricsController],
  providers: [ServedResponsesRecorder],
})
export class RecommendationsModule {}
