import { pickWeighted } from '@pulse/testing/synthetic/shop/preferences';
import type { SeededRandom } from '@pulse/testing/synthetic/shop/random';
import { buildQuery } from '@pulse/testing/synthetic/shop/search-query';
import { misspell, shorten } from './search-queries';
import {
  runServingBench,
  type ServingBenchConfig,
  type ServingBenchResult,
  type ServingRoute,
} from './serving-bench';
import type { ServingDataDir } from './serving-cache';

/**
 * `pulse bench search`: latency and throughput of GET /v1/search, side by
 * side with GET /v1/items/:id and a bare node:http server answering a body of
 * the median search response size (see serving-bench.ts for the method).
 * Queries are what the synthetic shop's shoppers type: 1 to 3 words from the
 * shop's vocabulary in their language (English or Chinese), about their
 * favourite categories, some misspelt, half of them personalised with the
 * shopper's id.
 */

const MIX = {
  /** Queries sent with `shopperId` (re-ranked by the shopper's interests). */
  personalised: 0.5,
  /** Latin-script queries with one word misspelt. */
  typo: 0.15,
} as const;

const REQUESTS = 20_000;
const MAX_WORDS = 3;

export const searchRoute: ServingRoute = {
  name: 'search',
  description: 'GET /v1/search (1-3 words, EN and ZH, half with shopperId, some misspelt)',
  paths(data: ServingDataDir, random: SeededRandom): string[] {
    const { shop } = data;
    const shoppers = data.returningShopperIds;
    if (shoppers.length === 0)
      throw new Error('the shop has no returning shoppers: write more history');
    return Array.from({ length: REQUESTS }, () => {
      const shopperId = random.pick(shoppers);
      const prefs = shop.shoppers.byId(shopperId)!.prefs;
      const leaf = shop.catalog.tree.leaves[pickWeighted(prefs.leaves, random)]!;
      const query = buildQuery(shop.catalog, prefs, leaf, random);
      let text = shorten(query.text, MAX_WORDS, random);
      if (query.language === 'en' && random.chance(MIX.typo)) text = misspell(text, random);
      const personal = random.chance(MIX.personalised)
        ? `&shopperId=${encodeURIComponent(shopperId)}`
        : '';
      return `/v1/search?q=${encodeURIComponent(text)}${personal}`;
    });
  },
  classify(body: {
    strategy?: string;
    total?: number;
    items?: { reasons?: { code: string }[] }[];
  }) {
    const corrected = body.items?.some((item) =>
      item.reasons?.some((r) => r.code === 'typo_corrected'),
    );
    return `${body.strategy ?? 'unknown'}${corrected ? ' (typo corrected)' : ''}${body.total ? '' : ' (no results)'}`;
  },
};

export const runSearchBench = (config: ServingBenchConfig): Promise<ServingBenchResult> =>
  runServingBench('search', searchRoute, config);
