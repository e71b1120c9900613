import { SqliteDocumentStore } from '@pulse/platform/document-store/sqlite-document-store.adapter';
import { unversionedReader } from '@pulse/platform/projections/read-models';
import { describeRecommendationDataContract } from '../pipeline/testing/recommendation-data.contract';
import { ReadModelRecommendationData } from './read-model-recommendation-data';

// The adapter over the real document store, held to the same contract as the
// in-memory one the pipeline's own tests use.
describeRecommendationDataContract('ReadModelRecommendationData on SQLite', async ({ catalog, statistics }) => {
  const docs = new SqliteDocumentStore(':memory:');
  await docs.applyBatch(
    [
      { collection: 'catalog_items', writes: catalog.map((doc) => ({ op: 'put' as const, id: doc.itemId, doc })) },
      { collection: 'item_statistics', writes: statistics.map((doc) => ({ op: 'put' as const, id: doc.itemId, doc })) },
    ],
    1n,
  );
  return new ReadModelRecommendationData(unversionedReader(docs));
});
