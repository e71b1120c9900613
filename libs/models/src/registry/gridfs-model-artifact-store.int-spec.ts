import { GridFsModelArtifactStore } from './gridfs-model-artifact-store.adapter';
import { describeModelArtifactStoreContract } from './model-artifact-store.contract';

const uri = process.env.MONGODB_URI;
const dbName = process.env.MONGODB_DB ?? 'pulse_contract_tests';
// Without a server the contract is listed as skipped, test by test, rather than passing vacuously.
const describeWithMongo = uri ? describe : describe.skip;

describeWithMongo(uri ? 'GridFS artifact contract' : 'GridFS artifact contract (set MONGODB_URI to run)', () => {
  describeModelArtifactStoreContract('GridFsModelArtifactStore', () =>
    GridFsModelArtifactStore.connect({ uri: uri ?? '', dbName, bucketName: 'contract_model_artifacts', connectDeadlineMs: 15_000 }),
  );
});
