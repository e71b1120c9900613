import { createCatalogItemsProjection } from '@pulse/catalog/projections';
import type { PulseConfig } from '@pulse/platform/config/pulse-config';
import type { Projection } from '@pulse/platform/projections/projection';
import { createItemStatisticsProjection } from '@pulse/recommendations/projections';
import { createServingMetricsProjection } from '@pulse/recommendations/projections/serving-metrics.projection';
import { createRecommendationListsProjection } from '@pulse/recommendations/refresh/recommendation-lists.projection';
import { createShopperProfileProjection } from '@pulse/shoppers/projections';

const HOUR_MS = 3_600_000;

/** Every projection this process runs, configured from the environment. */
export function pulseProjections(config: PulseConfig): Projection[] {
  return [
    createCatalogItemsProjection(),
    createShopperProfileProjection({ halfLifeMs: config.PULSE_INTEREST_HALF_LIFE_HOURS * HOUR_MS }),
    createItemStatisticsProjection({
      popularityHalfLifeMs: config.PULSE_POPULARITY_HALF_LIFE_HOURS * HOUR_MS,
      trendingShortHalfLifeMs: config.PULSE_TRENDING_SHORT_HALF_LIFE_HOURS * HOUR_MS,
      trendingLongHalfLifeMs: config.PULSE_TRENDING_LONG_HALF_LIFE_HOURS * HOUR_MS,
      neighbours: config.PULSE_NEIGHBOURS,
      sessionWindow: 20,
    }),
    createServingMetricsProjection(),
    createRecommendationListsProjection(),
  ];
}
