import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { describeEventStoreContract, take } from '@pulse/testing/contracts/event-store.contract';
import { EventStoreUnavailableError } from './event-store.errors';
import { KurrentDbEventStore } from './kurrentdb-event-store.adapter';

const url = process.env.EVENTSTORE_URL;

const makeStore = async () => new KurrentDbEventStore(url!);
// Without a server the contract still shows up, every case skipped, under a name that says why.
(url ? describe : describe.skip)(
  url ? 'KurrentDB contract' : 'KurrentDB contract (set EVENTSTORE_URL to run)',
  () => describeEventStoreContract('KurrentDB', makeStore),
);

/** A local port with nothing listening on it: connections are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// Runs without a server: the real client against a refused port, checking
// that its failures come out as the port's error after bounded retries.
describe('KurrentDbEventStore without a reachable server', () => {
  let store: KurrentDbEventStore;
  const quick = { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 20 };

  beforeEach(async () => {
    const port = await closedPort();
    store = new KurrentDbEventStore(`kurrentdb://127.0.0.1:${port}?tls=false`, {
      retry: quick,
      resubscribe: quick,
    });
  });
  afterEach(() => store.close());

  it('fails appends and reads with EventStoreUnavailableError after its retries', async () => {
    const event = { eventId: randomUUID(), type: 'Tested', data: {}, metadata: {} };
    await expect(store.append('s', [event], 'any')).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
    await expect(store.readStream('s')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.readAll({ maxCount: 1 })).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.headPosition()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);
  }, 30_000);

  it('ends a subscription with EventStoreUnavailableError once resubscribing keeps failing', async () => {
    const subscription = store.subscribeToAll();
    await expect(take(subscription, 1, 20_000)).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await subscription.close();
  }, 30_000);
});
