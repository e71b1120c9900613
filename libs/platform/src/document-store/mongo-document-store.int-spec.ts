import { describeDocumentStoreContract } from '@pulse/testing/contracts/document-store.contract';
import { DocumentStoreUnavailableError } from './document-store.errors';
import { MongoDocumentStore } from './mongo-document-store.adapter';

const uri = process.env.MONGODB_URI;
const dbName = process.env.MONGODB_DB ?? 'pulse_contract_tests';
// Without a server the contract is listed as skipped, test by test, rather than passing vacuously.
const describeWithMongo = uri ? describe : describe.skip;

describeWithMongo(uri ? 'MongoDB contract' : 'MongoDB contract (set MONGODB_URI to run)', () => {
  const connect = (transactions: 'auto' | 'never') => () =>
    MongoDocumentStore.connect({ uri: uri ?? '', dbName, transactions, connectDeadlineMs: 15_000 });

  // On a replica set 'auto' takes the transaction path and 'never' the
  // guarded-writes-then-checkpoint path; on a standalone both take the latter.
  describeDocumentStoreContract('MongoDocumentStore (transactions: auto)', connect('auto'));
  describeDocumentStoreContract('MongoDocumentStore (transactions: never)', connect('never'));
});

describe('MongoDocumentStore.connect', () => {
  it('gives up at the deadline with an error that names the server but not the password', async () => {
    const started = Date.now();
    // Port 9 (discard) has no MongoDB: every attempt fails.
    const failure = await MongoDocumentStore.connect({
      uri: 'mongodb://pulse:s3cret@127.0.0.1:9/?directConnection=true',
      dbName: 'pulse',
      connectDeadlineMs: 1500,
      initialRetryDelayMs: 50,
    }).then(
      () => new Error('connected to a server that does not exist'),
      (error: unknown) => error,
    );
    const elapsed = Date.now() - started;

    expect(failure).toBeInstanceOf(DocumentStoreUnavailableError);
    expect((failure as Error).message).toMatch(/127\.0\.0\.1:9.*database pulse.*after \d+ attempt/);
    expect((failure as Error).message).not.toContain('s3cret');
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(6000);
  }, 10_000);
});
