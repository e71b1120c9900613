import { type DynamicModule, Module } from '@nestjs/common';
import { RecommendationStreamController } from '../http/recommendation-stream.controller';
import { CheckInterestShiftsHandler, INTEREST_SHIFT_THRESHOLD } from './check-interest-shifts.handler';
import { InterestShiftSaga } from './interest-shift.saga';
import { RecommendationsFeed } from './recommendations.feed';
import { REFRESH_SHARE, RefreshRecommendationsHandler } from './refresh-recommendations.handler';

export interface RefreshModuleOptions {
  /** Jaccard distance of top categories that triggers a refresh (PULSE_LEARNING_SHIFT). */
  readonly shiftThreshold: number;
  /** Off: lists are refreshed only after model updates (and on request). */
  readonly interestShifts: boolean;
  /** Share of the process's time a refresh may take (PULSE_LEARNING_REFRESH_SHARE). */
  readonly refreshShare: number;
}

/**
 * Refreshed recommendations: RefreshRecommendations (after model updates, on
 * interest shifts), the RecommendationsRefreshed integration events, and the
 * SSE stream. The `recommendation_lists` projection is listed with the others
 * (apps/api/src/projections.ts).
 */
@Module({})
export class RefreshModule {
  static forRoot(options: RefreshModuleOptions): DynamicModule {
    return {
      module: RefreshModule,
      controllers: [RecommendationStreamController],
      providers: [
        { provide: INTEREST_SHIFT_THRESHOLD, useValue: options.shiftThreshold },
        { provide: REFRESH_SHARE, useValue: options.refreshShare },
        RecommendationsFeed,
        RefreshRecommendationsHandler,
        CheckInterestShiftsHandler,
        ...(options.interestShifts ? [InterestShiftSaga] : []),
      ],
    };
  }
}
