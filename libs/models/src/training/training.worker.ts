/**
 * Child-process entry of ProcessTrainingRunner: receives one TrainingJob,
 * trains it against its own store connections, reports and exits.
 */
import { setPriority } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '@pulse/platform/config/pulse-config';
import type { EventStore } from '@pulse/platform/event-store/event-store.port';
import { KurrentDbEventStore } from '@pulse/platform/event-store/kurrentdb-event-store.adapter';
import { SqliteEventStore } from '@pulse/platform/event-store/sqlite-event-store.adapter';
import { openModelArtifactStore } from '../registry/model-artifact-store.factory';
import type { WorkerMessage } from './training-runner';
import { type TrainingJob, trainModelVersion } from './train-model-version';

const send = (message: WorkerMessage) =>
  new Promise<void>((done) => (process.send ? process.send(message, () => done()) : done()));

async function run(job: TrainingJob): Promise<void> {
  // Below the server: on a 2-core machine serving must keep answering while this trains.
  try {
    setPriority(10);
  } catch {
    // Not permitted in some containers; training still works, just at normal priority.
  }
  const config = loadConfig(process.env);
  const events: EventStore = config.EVENTSTORE_URL
    ? new KurrentDbEventStore(config.EVENTSTORE_URL)
    : new SqliteEventStore(join(resolve(config.PULSE_DATA_DIR), 'events.db'));
  const artifacts = await openModelArtifactStore(config);
  try {
    const outcome = await trainModelVersion(events, artifacts, job, (message) => void send({ type: 'log', message }));
    await send({ type: 'done', outcome });
  } finally {
    await Promise.allSettled([events.close(), artifacts.close()]);
  }
}

process.once('message', (job: TrainingJob) => {
  run(job).then(
    () => process.exit(0),
    async (error: unknown) => {
      await send({ type: 'failed', error: (error as Error)?.message ?? String(error) });
      process.exit(1);
    },
  );
});
