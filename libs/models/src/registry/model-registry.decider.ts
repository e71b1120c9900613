import type { Decider } from '@pulse/platform/domain/decider';
import { DomainRuleViolation } from '@pulse/platform/domain/domain-rule-violation';
import type {
  ArtifactRef,
  ModelEvent,
  ModelTrainedData,
  ModelTrainingStartedData,
  TrainerIdentity,
} from './model.events';

/**
 * One model's registry as a pure decider. Rules:
 * - versions are numbered 1, 2, 3, ... in the order training starts, and a
 *   number is never reused (a failed version keeps its number);
 * - only a trained version can be promoted, and only when its validation
 *   metric is not worse than the serving champion's (same metric name),
 *   unless an admin forces it, which the event records;
 * - rollback hands service back to the champion before the current one.
 */

export type VersionStatus = 'training' | 'trained' | 'failed';

export interface ModelVersionState {
  readonly version: number;
  readonly status: VersionStatus;
  readonly kind: string;
  readonly params: ModelTrainingStartedData['params'];
  readonly untilPosition: string;
  readonly startedAt: string;
  /** The process training it (unknown for versions started before it was recorded). */
  readonly trainer?: TrainerIdentity;
  readonly trained?: Omit<ModelTrainedData, 'model' | 'version'>;
  readonly error?: string;
  readonly failedAt?: string;
}

export interface ModelRegistryState {
  readonly name: string | undefined;
  readonly lastVersion: number;
  /** By version number, ascending. */
  readonly versions: readonly ModelVersionState[];
  readonly champion: number | undefined;
  /** When the champion started serving (promotion or rollback). */
  readonly championSince: string | undefined;
  /** Earlier champions, most recent last: where a rollback returns to. */
  readonly previousChampions: readonly number[];
}

export type ModelRegistryCommand =
  | {
      readonly type: 'StartTraining';
      readonly model: string;
      readonly kind: string;
      readonly params: ModelTrainingStartedData['params'];
      readonly untilPosition: string;
      readonly at: string;
      /** A version still 'training' for longer than this is taken as abandoned (a crashed trainer). */
      readonly staleAfterMs: number;
      readonly trainer?: TrainerIdentity;
    }
  | {
      readonly type: 'RecordTrained';
      readonly version: number;
      readonly metric: ModelTrainedData['metric'];
      readonly validation: Record<string, number>;
      readonly validationCases: number;
      readonly dataPosition: string;
      readonly numItems: number;
      readonly numSequences: number;
      readonly artifact: ArtifactRef;
      readonly trainingSeconds: number;
      readonly backend: string;
      readonly at: string;
    }
  | { readonly type: 'RecordTrainingFailed'; readonly version: number; readonly error: string; readonly at: string }
  | { readonly type: 'Promote'; readonly version: number; readonly force: boolean; readonly at: string }
  | { readonly type: 'Rollback'; readonly at: string };

const initialState = (): ModelRegistryState => ({
  name: undefined,
  lastVersion: 0,
  versions: [],
  champion: undefined,
  championSince: undefined,
  previousChampions: [],
});

function replaceVersion(
  state: ModelRegistryState,
  version: number,
  change: (v: ModelVersionState) => ModelVersionState,
): ModelRegistryState {
  return { ...state, versions: state.versions.map((v) => (v.version === version ? change(v) : v)) };
}

function evolve(state: ModelRegistryState, event: ModelEvent): ModelRegistryState {
  switch (event.type) {
    case 'ModelTrainingStarted': {
      const { model, version, kind, params, untilPosition, startedAt, trainer } = event.data;
      return {
        ...state,
        name: model,
        lastVersion: Math.max(state.lastVersion, version),
        versions: [
          ...state.versions,
          { version, status: 'training', kind, params, untilPosition, startedAt, ...(trainer && { trainer }) },
        ],
      };
    }
    case 'ModelTrained': {
      const { model: _m, version, ...trained } = event.data;
      return replaceVersion(state, version, (v) => ({ ...v, status: 'trained', trained }));
    }
    case 'ModelTrainingFailed':
      return replaceVersion(state, event.data.version, (v) => ({
        ...v,
        status: 'failed',
        error: event.data.error,
        failedAt: event.data.failedAt,
      }));
    case 'ModelPromoted':
      return {
        ...state,
        champion: event.data.version,
        championSince: event.data.promotedAt,
        previousChampions:
          state.champion === undefined ? state.previousChampions : [...state.previousChampions, state.champion],
      };
    case 'ModelRolledBack':
      return {
        ...state,
        champion: event.data.toVersion,
        championSince: event.data.rolledBackAt,
        previousChampions: state.previousChampions.slice(0, -1),
      };
    default:
      // `model-<name>` also carries the learning loop's ModelIncrementallyUpdated
      // (and may carry newer types): they don't change versions or the champion.
      return state;
  }
}

const conflict = (code: string, message: string, field?: string) =>
  new DomainRuleViolation(code, message, field, true);

function requireVersion(state: ModelRegistryState, version: number): ModelVersionState {
  const found = state.versions.find((v) => v.version === version);
  if (!found) {
    throw new DomainRuleViolation(
      'version_not_found',
      `${state.name ?? 'this model'} has no version ${version}` +
        (state.lastVersion ? ` (versions 1..${state.lastVersion})` : ' (no versions yet)'),
      'version',
    );
  }
  return found;
}

function decide(command: ModelRegistryCommand, state: ModelRegistryState): ModelEvent[] {
  switch (command.type) {
    case 'StartTraining': {
      const running = state.versions.find(
        (v) => v.status === 'training' && Date.parse(command.at) - Date.parse(v.startedAt) < command.staleAfterMs,
      );
      if (running) {
        throw conflict(
          'training_in_progress',
          `version ${running.version} of ${command.model} is still training (started ${running.startedAt})`,
          'name',
        );
      }
      return [
        {
          type: 'ModelTrainingStarted',
          data: {
            model: command.model,
            version: state.lastVersion + 1,
            kind: command.kind,
            params: command.params,
            untilPosition: command.untilPosition,
            startedAt: command.at,
            ...(command.trainer && { trainer: command.trainer }),
          },
        },
      ];
    }
    case 'RecordTrained': {
      const v = requireVersion(state, command.version);
      if (v.status === 'trained') return []; // a retried report of the same outcome
      if (v.status !== 'training') {
        throw conflict('not_training', `version ${v.version} is ${v.status}, not training`, 'version');
      }
      const { type: _t, at, ...rest } = command;
      return [{ type: 'ModelTrained', data: { model: state.name!, ...rest, trainedAt: at } }];
    }
    case 'RecordTrainingFailed': {
      const v = requireVersion(state, command.version);
      if (v.status === 'failed') return [];
      if (v.status !== 'training') {
        throw conflict('not_training', `version ${v.version} is ${v.status}, not training`, 'version');
      }
      return [
        {
          type: 'ModelTrainingFailed',
          data: { model: state.name!, version: v.version, error: command.error.slice(0, 2000), failedAt: command.at },
        },
      ];
    }
    case 'Promote':
      return decidePromotion(command, state);
    case 'Rollback': {
      if (state.champion === undefined) {
        throw conflict('nothing_to_roll_back', `${state.name ?? 'this model'} has no serving version`, 'name');
      }
      const previous = state.previousChampions[state.previousChampions.length - 1];
      if (previous === undefined) {
        throw conflict(
          'nothing_to_roll_back',
          `version ${state.champion} of ${state.name} is the first champion; there is no earlier one to return to`,
          'name',
        );
      }
      return [
        {
          type: 'ModelRolledBack',
          data: { model: state.name!, fromVersion: state.champion, toVersion: previous, rolledBackAt: command.at },
        },
      ];
    }
  }
}

function decidePromotion(
  command: Extract<ModelRegistryCommand, { type: 'Promote' }>,
  state: ModelRegistryState,
): ModelEvent[] {
  const candidate = requireVersion(state, command.version);
  if (candidate.status !== 'trained' || !candidate.trained) {
    throw conflict('not_trained', `version ${candidate.version} is ${candidate.status}; only a trained version can serve`, 'version');
  }
  if (state.champion === candidate.version) return []; // already serving: nothing to record
  const promoted = (forced: boolean, reason: string): ModelEvent[] => [
    {
      type: 'ModelPromoted',
      data: {
        model: state.name!,
        version: candidate.version,
        ...(state.champion !== undefined && { previousVersion: state.champion }),
        forced,
        reason,
        promotedAt: command.at,
      },
    },
  ];
  if (state.champion === undefined) return promoted(false, 'no serving version yet');
  const champion = requireVersion(state, state.champion).trained!;
  const mine = candidate.trained.metric;
  const theirs = champion.metric;
  const comparison = `${mine.name} ${mine.value.toFixed(4)} vs champion v${state.champion} ${theirs.value.toFixed(4)}`;
  if (mine.name !== theirs.name) {
    if (command.force) return promoted(true, `forced by an admin: metrics differ (${mine.name} vs ${theirs.name})`);
    throw conflict(
      'metric_mismatch',
      `version ${candidate.version} is judged by ${mine.name}, the champion v${state.champion} by ${theirs.name}: not comparable (force to promote anyway)`,
      'version',
    );
  }
  if (mine.value >= theirs.value) return promoted(false, `not worse: ${comparison}`);
  if (command.force) return promoted(true, `forced by an admin despite a worse ${comparison}`);
  throw conflict(
    'worse_than_champion',
    `version ${candidate.version} is worse than the serving champion: ${comparison} (force to promote anyway)`,
    'version',
  );
}

export const modelRegistryDecider: Decider<ModelRegistryState, ModelRegistryCommand, ModelEvent> = {
  initialState,
  evolve,
  decide,
};

/** The champion's state, if one serves. */
export function championOf(state: ModelRegistryState): ModelVersionState | undefined {
  return state.champion === undefined ? undefined : state.versions.find((v) => v.version === state.champion);
}
