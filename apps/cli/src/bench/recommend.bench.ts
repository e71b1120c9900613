import type { SeededRandom } from '@pulse/testing/synthetic/shop/random';
import {
  runServingBench,
  type ServingBenchConfig,
  type ServingBenchResult,
  type ServingRoute,
} from './serving-bench';
import type { ServingDataDir } from './serving-cache';

/**
 * `pulse bench recommend`: latency and throughput of
 * GET /v1/shoppers/:id/recommendations on a shop with history (popularity,
 * co-occurrence and profiles exist), side by side in the same run with two
 * baselines: GET /v1/items/:id (a plain read-model lookup through the same
 * Nest/Fastify/auth stack) and a bare node:http server returning a JSON body
 * of the median recommendation size. For each catalog size, on a fresh
 * Pulse (see serving-bench.ts for the method).
 */

/** Shares of the request mix. */
const MIX = {
  /** Shoppers Pulse has never seen (cold start). */
  unknownShoppers: 0.1,
  /** Context of the widget: home page, product page (of a random item), cart page. */
  home: 0.5,
  product: 0.3,
} as const;

const REQUESTS = 20_000;

export const recommendRoute: ServingRoute = {
  name: 'recommend',
  description:
    'GET /v1/shoppers/:id/recommendations (home/product/cart, known and unknown shoppers)',
  paths(data: ServingDataDir, random: SeededRandom): string[] {
    const shoppers = data.returningShopperIds;
    if (shoppers.length === 0)
      throw new Error('the shop has no returning shoppers: write more history');
    const items = data.shop.initialItems.map((item) => item.id);
    return Array.from({ length: REQUESTS }, () => {
      const shopperId = random.chance(MIX.unknownShoppers)
        ? `visitor-${random.hex(10)}`
        : random.pick(shoppers);
      const roll = random.next();
      const context =
        roll < MIX.home
          ? 'home'
          : roll < MIX.home + MIX.product
            ? `product:${random.pick(items)}`
            : 'cart';
      return `/v1/shoppers/${encodeURIComponent(shopperId)}/recommendations?context=${encodeURIComponent(context)}`;
    });
  },
  classify: (body: { strategy?: string }) => body.strategy ?? 'unknown',
};

export const runRecommendBench = (config: ServingBenchConfig): Promise<ServingBenchResult> =>
  runServingBench('recommend', recommendRoute, config);
