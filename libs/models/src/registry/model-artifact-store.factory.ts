import { join, resolve } from 'node:path';
import type { PulseConfig } from '@pulse/platform/config/pulse-config';
import { FileModelArtifactStore } from './file-model-artifact-store.adapter';
import { GridFsModelArtifactStore } from './gridfs-model-artifact-store.adapter';
import type { ModelArtifactStore } from './model-artifact-store.port';

/** GridFS when MONGODB_URI is set (same database as the read models), else files under `<data dir>/models`. */
export async function openModelArtifactStore(config: PulseConfig): Promise<ModelArtifactStore> {
  if (config.MONGODB_URI) {
    return GridFsModelArtifactStore.connect({ uri: config.MONGODB_URI, dbName: config.MONGODB_DB });
  }
  return new FileModelArtifactStore(join(resolve(config.PULSE_DATA_DIR), 'models'));
}

export function describeArtifactStore(config: PulseConfig): string {
  return config.MONGODB_URI
    ? `MongoDB GridFS (database '${config.MONGODB_DB}', bucket model_artifacts)`
    : `files under ${join(resolve(config.PULSE_DATA_DIR), 'models')}`;
}
