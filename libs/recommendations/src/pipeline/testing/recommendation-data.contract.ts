/**
 * The behaviour every RecommendationData adapter is held to: the in-memory
 * one here, and the service's adapter over its read models (which can run
 * this suite after writing the seed into its stores). The seed comes out of
 * the real projections (ShopFixture), so documents look like production ones.
 */
import type { CatalogItemDocument } from '@pulse/catalog/projections/catalog-item.document';
import type { ItemStatisticsDocument } from '../../projections/item-statistics.document';
import { popularityAt, trendingAt } from '../../projections/popularity';
import type { RecommendationData } from '../recommendation-data.port';
import { DAY, HOUR, MINUTE, ShopFixture } from './shop-fixture';

export interface RecommendationDataSeed {
  readonly catalog: readonly CatalogItemDocument[];
  readonly statistics: readonly ItemStatisticsDocument[];
}

const NOW = Date.parse('2025-06-01T12:00:00.000Z');

/** a1 > a2 > a3 in popularity; t1 taking off; b1 out of stock; gone delisted; ghost never listed. */
async function seed(): Promise<RecommendationDataSeed> {
  const shop = new ShopFixture();
  const listed = NOW - 60 * DAY;
  shop
    .list({ itemId: 'a1', categoryPath: ['A', 'A1'], brand: 'X' }, listed)
    .list({ itemId: 'a2', categoryPath: ['A', 'A1'], brand: 'Y' }, listed + DAY)
    .list({ itemId: 'a3', categoryPath: ['A', 'A2'], brand: 'X' }, NOW - 3 * DAY)
    .list({ itemId: 'b1', categoryPath: ['B'], brand: 'X' }, NOW - 2 * DAY)
    .list({ itemId: 't1', categoryPath: ['B'], brand: 'Y' }, listed)
    .list({ itemId: 'gone', categoryPath: ['A', 'A1'], brand: 'X' }, listed)
    .stock('b1', 0, 10, NOW - DAY)
    .delist('gone', NOW - DAY);
  const views = { a1: 12, a2: 8, a3: 4, b1: 10, gone: 20, ghost: 20 };
  for (const [itemId, count] of Object.entries(views)) {
    for (let i = 0; i < count; i++) shop.view(`u-${itemId}-${i}`, itemId, NOW - 3 * DAY + i * HOUR);
  }
  // Steady for weeks, then a burst: trending, though less popular than a1.
  for (let i = 0; i < 3; i++) shop.view(`t-old-${i}`, 't1', NOW - 20 * DAY + i * DAY);
  for (let i = 0; i < 4; i++) shop.view(`t-new-${i}`, 't1', NOW - 2 * HOUR + i * 10 * MINUTE);
  const built = await shop.build();
  return { catalog: [...built.catalog.values()], statistics: [...built.statistics.values()] };
}

export function describeRecommendationDataContract(
  name: string,
  create: (seed: RecommendationDataSeed) => Promise<RecommendationData>,
): void {
  describe(`${name} (RecommendationData contract)`, () => {
    let data: RecommendationData;
    beforeAll(async () => {
      data = await create(await seed());
    });
    const ids = (docs: readonly { itemId: string }[]) => docs.map((doc) => doc.itemId);

    it('returns documents by id, leaving unknown ids out', async () => {
      const stats = await data.statisticsByIds(['a1', 'ghost', 'nope']);
      expect([...stats.keys()].sort()).toEqual(['a1', 'ghost']);
      expect(stats.get('ghost')!.status).toBe('unknown');
      const catalog = await data.catalogItemsByIds(['a1', 'gone', 'ghost']);
      expect([...catalog.keys()].sort()).toEqual(['a1', 'gone']);
      expect(catalog.get('gone')!.status).toBe('delisted');
      expect((await data.catalogItemsByIds([])).size).toBe(0);
    });

    it('lists active items most popular first, by category key at any level and by brand', async () => {
      expect(ids(await data.popularItems({ limit: 3 }))).toEqual(['a1', 'b1', 'a2']);
      expect(ids(await data.popularItems({ limit: 10, categoryKey: 'A' }))).toEqual([
        'a1',
        'a2',
        'a3',
      ]);
      expect(ids(await data.popularItems({ limit: 10, categoryKey: 'A>A1' }))).toEqual([
        'a1',
        'a2',
      ]);
      expect(ids(await data.popularItems({ limit: 10, brand: 'X', inStockOnly: true }))).toEqual([
        'a1',
        'a3',
      ]);
      expect(ids(await data.popularItems({ limit: 10, categoryKey: 'A', brand: 'Y' }))).toEqual([
        'a2',
      ]);
      const all = await data.popularItems({ limit: 100 });
      expect(ids(all)).not.toContain('gone');
      expect(ids(all)).not.toContain('ghost');
      const values = all.map((doc) => popularityAt(doc, NOW));
      expect(values).toEqual([...values].sort((a, b) => b - a));
    });

    it('lists active items most trending at now first', async () => {
      const trending = await data.trendingItems({ limit: 3, now: NOW, inStockOnly: true });
      expect(trending[0]!.itemId).toBe('t1');
      const values = trending.map((doc) => trendingAt(doc, NOW));
      expect(values).toEqual([...values].sort((a, b) => b - a));
      expect(
        ids(await data.trendingItems({ limit: 10, now: NOW, categoryKey: 'A' })),
      ).not.toContain('t1');
    });

    it('lists active items newest listing first, from listedAfter on', async () => {
      expect(ids(await data.newestItems({ limit: 2 }))).toEqual(['b1', 'a3']);
      expect(
        ids(
          await data.newestItems({
            limit: 10,
            inStockOnly: true,
            listedAfter: new Date(NOW - 7 * DAY).toISOString(),
          }),
        ),
      ).toEqual(['a3']);
      expect(ids(await data.newestItems({ limit: 10, categoryKey: 'A>A1' }))).toEqual(['a2', 'a1']);
      expect(ids(await data.newestItems({ limit: 100 }))).not.toContain('gone');
    });
  });
}
