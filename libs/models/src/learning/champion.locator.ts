import { StreamNotFoundError } from '@pulse/platform/event-store/event-store.errors';
import type { EventStore } from '@pulse/platform/event-store/event-store.port';
import type { ModelArtifactStore } from '../registry/model-artifact-store.port';
import { modelStreamId } from '../registry/model.events';
import { learnableLiveModel } from './incremental-learners';
import type { LiveModel } from './live-model.slot';

interface StreamEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/**
 * The serving champion's version from a model's registry stream: the last
 * promotion or rollback decides. Folded here rather than with the registry
 * decider because this stream also holds ModelIncrementallyUpdated, which
 * the decider (as written) does not know; unknown types are skipped.
 */
export function championVersionOf(events: readonly StreamEvent[]): number | undefined {
  let champion: number | undefined;
  for (const event of events) {
    if (event.type === 'ModelPromoted') champion = Number(event.data.version);
    else if (event.type === 'ModelRolledBack') champion = Number(event.data.toVersion);
  }
  return champion;
}

/** Loads the champion's weights twice over: a ServableModel for serving, a trainable copy to continue training. */
export async function loadChampion(
  store: EventStore,
  artifacts: ModelArtifactStore,
  name: string,
): Promise<LiveModel | undefined> {
  let events: StreamEvent[];
  try {
    events = await store.readStream(modelStreamId(name));
  } catch (error) {
    if (error instanceof StreamNotFoundError) return undefined;
    throw error;
  }
  const version = championVersionOf(events);
  if (version === undefined) return undefined;
  const files = await artifacts.get({ model: name, version });
  return liveModelFromFiles(files, version);
}

/** The champion as the learning loop holds it (any kind with an incremental learner: incremental-learners.ts). */
export function liveModelFromFiles(files: Record<string, Uint8Array>, version: number): Promise<LiveModel> {
  return learnableLiveModel(files, version);
}
