import { StreamNotFoundError } from '@pulse/platform/event-store/event-store.errors';
import type { EventStore } from '@pulse/platform/event-store/event-store.port';
import type { ArtifactFiles, ModelArtifactStore } from '../registry/model-artifact-store.port';
import { modelStreamId } from '../registry/model.events';
import { readMetadata } from '../serving/model-artifact-codec';
import type { ModelStreamEvent, StartingWeights } from './starting-weights';

/** A model's registry stream, oldest first; empty when the model has none yet. */
export async function readModelStream(
  store: EventStore,
  name: string,
): Promise<ModelStreamEvent[]> {
  try {
    return await store.readStream(modelStreamId(name));
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
}

/** The loaded weights and the increment they are (0: the version as trained). */
export interface LoadedStart<T> {
  readonly loaded: T;
  readonly increment: number;
}

/**
 * Loads the weights `startingWeightsOf` chose, with `build` (a ServableModel
 * for serving, a LiveModel for the learning loop). When the increment's files
 * are missing, belong to another store or model version, or fail to build,
 * it warns and loads the version as trained: a lost update costs what it
 * learned, and must not keep the model from serving. Failing to load the
 * version itself is the caller's error, as before increments were stored.
 */
export async function loadStartingWeights<T>(
  artifacts: ModelArtifactStore,
  name: string,
  start: StartingWeights,
  build: (files: ArtifactFiles, increment: number) => Promise<T>,
  warn: (message: string) => void,
): Promise<LoadedStart<T>> {
  const { version, increment } = start;
  if (increment) {
    const label = `${name}@${version}+${increment.increment}`;
    try {
      if (increment.artifact.store !== artifacts.kind) {
        throw new Error(
          `stored in ${increment.artifact.store}, this process uses ${artifacts.kind}`,
        );
      }
      const files = await artifacts.get({ model: name, version, increment: increment.increment });
      const metadata = readMetadata(files);
      // The files carry the champion's metadata: anything else is not this increment.
      if (metadata.model !== name || metadata.version !== version) {
        throw new Error(`its files are ${metadata.model}@${metadata.version}'s`);
      }
      return { loaded: await build(files, increment.increment), increment: increment.increment };
    } catch (error) {
      warn(
        `model ${name}: cannot load the learning loop's update ${label} (${increment.artifact.store} ${increment.artifact.key}): ` +
          `${(error as Error).message}; starting from ${name}@${version} as trained`,
      );
    }
  }
  return { loaded: await build(await artifacts.get({ model: name, version }), 0), increment: 0 };
}
