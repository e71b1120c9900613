import type { ArtifactRef } from './model.events';

/**
 * Where a model version's files live: tfjs's `model.json` + `weights.bin`
 * and Pulse's `metadata.json` (item index, training facts), or whatever a
 * model without tfjs weights needs. Files of one version are written and
 * replaced as a whole: a reader sees the old set or the new one, never a mix.
 *
 * `increment` addresses the learning loop's updated weights of a version
 * (its ModelIncrementallyUpdated number) instead of the version as trained:
 * a separate set of files, so storing, replacing or deleting one never
 * touches the other.
 */
export interface ArtifactKey {
  readonly model: string;
  readonly version: number;
  readonly increment?: number;
}

/** File name -> bytes. Names are plain (`model.json`), no directories. */
export type ArtifactFiles = Readonly<Record<string, Uint8Array>>;

export interface ModelArtifactStore {
  readonly kind: ArtifactRef['store'];
  /** Stores (or replaces) every file of a version (or of one of its increments); resolves once all are durable. */
  put(key: ArtifactKey, files: ArtifactFiles): Promise<ArtifactRef>;
  /** Every file of a version. Throws ArtifactNotFoundError when there is none. */
  get(key: ArtifactKey): Promise<Record<string, Uint8Array>>;
  /** Removes a version's files; false when there was nothing to remove. */
  delete(key: ArtifactKey): Promise<boolean>;
  /** The increments of a version that have files stored, ascending (what a clean-up after a crash needs to find). */
  increments(model: string, version: number): Promise<number[]>;
  close(): Promise<void>;
}

export const MODEL_ARTIFACT_STORE = Symbol('MODEL_ARTIFACT_STORE');

export class ArtifactNotFoundError extends Error {
  constructor(readonly key: ArtifactKey) {
    super(`no artifact stored for ${key.model} version ${key.version}${key.increment === undefined ? '' : ` increment ${key.increment}`}`);
    this.name = 'ArtifactNotFoundError';
  }
}

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Rejects keys and file names that could escape a directory or collide. */
export function validateArtifact(key: ArtifactKey, files?: ArtifactFiles): void {
  if (!/^[a-z][a-z0-9_-]{0,49}$/.test(key.model)) throw new RangeError(`model: invalid model name '${key.model}'`);
  if (!Number.isInteger(key.version) || key.version < 1) {
    throw new RangeError(`version: must be a whole number >= 1, got ${key.version}`);
  }
  if (key.increment !== undefined && (!Number.isInteger(key.increment) || key.increment < 1)) {
    throw new RangeError(`increment: must be a whole number >= 1, got ${key.increment}`);
  }
  if (!files) return;
  const names = Object.keys(files);
  if (names.length === 0) throw new RangeError('files: an artifact needs at least one file');
  for (const name of names) {
    if (!FILE_NAME.test(name) || name.includes('..')) throw new RangeError(`files: invalid file name '${name}'`);
  }
}

/**
 * `<model>/<version>`, or `<model>/<version>+<increment>` (as responses label
 * the weights, `<model>@<version>+<increment>`): a `+` never appears in a
 * version's key, so the two cannot collide.
 */
export const artifactKeyString = (key: ArtifactKey) =>
  `${key.model}/${key.version}${key.increment === undefined ? '' : `+${key.increment}`}`;
