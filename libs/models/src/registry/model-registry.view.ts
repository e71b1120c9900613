import type { ModelRegistryState } from './model-registry.decider';

/** One model as the admin listing and the CLI show it (registry state + what this process serves). */
export interface ModelListing {
  readonly name: string;
  readonly kind?: string;
  /** The version this process answers with (undefined while none is loaded). */
  readonly servingVersion?: number;
  /** The registry's champion (differs from servingVersion while loading, or if loading failed). */
  readonly championVersion?: number;
  readonly championSince?: string;
  readonly previousChampions: readonly number[];
  readonly loadError?: string;
  readonly versions: readonly VersionListing[];
}

export interface VersionListing {
  readonly version: number;
  readonly status: 'training' | 'trained' | 'failed';
  readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly untilPosition: string;
  readonly startedAt: string;
  readonly metric?: { name: string; value: number };
  readonly validation?: Readonly<Record<string, number>>;
  readonly validationCases?: number;
  readonly numItems?: number;
  readonly numSequences?: number;
  readonly artifact?: { store: string; key: string };
  readonly trainingSeconds?: number;
  readonly backend?: string;
  readonly trainedAt?: string;
  readonly error?: string;
}

export function modelListing(
  name: string,
  state: ModelRegistryState,
  serving?: { servingVersion?: number; loadError?: string },
): ModelListing {
  return {
    name,
    ...(state.versions.length > 0 && { kind: state.versions[state.versions.length - 1]!.kind }),
    ...(serving?.servingVersion !== undefined && { servingVersion: serving.servingVersion }),
    ...(state.champion !== undefined && { championVersion: state.champion, championSince: state.championSince }),
    previousChampions: state.previousChampions,
    ...(serving?.loadError !== undefined && { loadError: serving.loadError }),
    versions: state.versions.map((v) => ({
      version: v.version,
      status: v.status,
      kind: v.kind,
      params: v.params,
      untilPosition: v.untilPosition,
      startedAt: v.startedAt,
      ...(v.trained && {
        metric: v.trained.metric,
        validation: v.trained.validation,
        validationCases: v.trained.validationCases,
        numItems: v.trained.numItems,
        numSequences: v.trained.numSequences,
        artifact: v.trained.artifact,
        trainingSeconds: v.trained.trainingSeconds,
        backend: v.trained.backend,
        trainedAt: v.trained.trainedAt,
      }),
      ...(v.error !== undefined && { error: v.error }),
    })),
  };
}
