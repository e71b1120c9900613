import { createCatalogItemsProjection } from '@pulse/catalog/projections';
import type { PulseConfig } from '@pulse/platform/config/pulse-config';
import type { Projection } from '@pulse/platform/projections/projection';
import { createShopperProfileProjection } from '@pulse/shoppers/projections';

const HOUR_MS = 3_600_000;

/** Every projection this process runs, configured from the environment. */
export function pulseProjections(config: PulseConfig): Projection[] {
  return [
    createCatalogItemsProjection(),
    createShopperProfileProjection({ halfLifeMs: config.PULSE_INTEREST_HALF_LIFE_HOURS * HOUR_MS }),
  ];
}
