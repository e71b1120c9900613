import type { EventStore } from '@pulse/platform/event-store/event-store.port';
import type { ModelArtifactStore } from '../registry/model-artifact-store.port';
import { learnableLiveModel } from './incremental-learners';
import type { LiveModel } from './live-model.slot';
import { type StartingWeights, startingWeightsOf } from './starting-weights';
import { loadStartingWeights, readModelStream } from './starting-weights.loader';

/** What the learning loop starts from: the champion's latest stored increment, or the champion as trained. */
export async function startingWeightsOfModel(
  store: EventStore,
  name: string,
): Promise<StartingWeights | undefined> {
  return startingWeightsOf(await readModelStream(store, name));
}

/**
 * Loads the champion's weights twice over (a ServableModel for serving, a
 * trainable copy to continue training), from its latest stored increment
 * when the loop left one, so a restart continues where the last acknowledged
 * update left off. An increment that cannot be loaded is warned about and the
 * champion as trained is loaded instead.
 */
export async function loadChampion(
  store: EventStore,
  artifacts: ModelArtifactStore,
  name: string,
  warn: (message: string) => void,
): Promise<LiveModel | undefined> {
  const start = await startingWeightsOfModel(store, name);
  return start && loadLiveModel(artifacts, name, start, warn);
}

/** The weights `start` names, as the learning loop holds them (numbering of its next attempts included). */
export async function loadLiveModel(
  artifacts: ModelArtifactStore,
  name: string,
  start: StartingWeights,
  warn: (message: string) => void,
): Promise<LiveModel> {
  const { loaded } = await loadStartingWeights(
    artifacts,
    name,
    start,
    (files, increment) =>
      liveModelFromFiles(files, start.version, { increment, attempts: start.attempts }),
    warn,
  );
  return loaded;
}

/** The champion as the learning loop holds it (any kind with an incremental learner: incremental-learners.ts). */
export function liveModelFromFiles(
  files: Record<string, Uint8Array>,
  version: number,
  lineage?: { readonly increment: number; readonly attempts: number },
): Promise<LiveModel> {
  return learnableLiveModel(files, version, lineage);
}
