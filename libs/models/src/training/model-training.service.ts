import type { CommandContext } from '@pulse/platform/actors/event-sourced-binding';
import { DomainRuleViolation } from '@pulse/platform/domain/domain-rule-violation';
import type { Params } from '@pulse/ml/evaluation/recommender';
import type { EventStore } from '@pulse/platform/event-store/event-store.port';
import type { ModelRegistry } from '../registry/model-registry';
import type { ModelRegistryState } from '../registry/model-registry.decider';
import { findTrainableSpec, trainableSpecs } from '../serving/model-specs';
import type { TrainerIdentity } from '../registry/model.events';
import { abandonedReason, abandonedVersions, processIsAlive, thisTrainer } from './abandoned-training';
import type { TrainingRunner } from './training-runner';
import type { TrainingOutcome } from './train-model-version';

export interface TrainRequest {
  /** Architecture or baseline; default: the model's previous kind, or the name itself if it names one. */
  readonly kind?: string;
  readonly params?: Params;
  /** Data up to this log position; default the head when training starts. */
  readonly untilPosition?: bigint;
  /** Promote when the rule allows (not worse than the champion). */
  readonly autoPromote?: boolean;
  readonly seed?: number;
}

export interface TrainingReport {
  readonly model: string;
  readonly version: number;
  readonly status: 'trained' | 'failed';
  readonly outcome?: TrainingOutcome;
  readonly error?: string;
  /** With autoPromote: whether it now serves, and why (or why not). */
  readonly promoted?: boolean;
  readonly promotion?: string;
}

export interface StartedTraining {
  readonly model: string;
  readonly version: number;
  readonly kind: string;
  readonly untilPosition: string;
  /** Settles when the job has finished and its outcome is in the registry; never rejects. */
  readonly done: Promise<TrainingReport>;
}

/** A version left 'training' longer than this (a crashed trainer) no longer blocks a new run. */
const STALE_TRAINING_MS = 6 * 3_600_000;

/**
 * Training as an application service: reserve a version in the registry
 * (ModelTrainingStarted), run the job on the runner (a child process by
 * default, so serving and ingestion keep going), then record ModelTrained or
 * ModelTrainingFailed and optionally promote by the registry's rule.
 *
 * Each version records this process as its trainer. A version whose trainer
 * died on this host (a crash or restart mid-training) is recorded as failed
 * when this model is trained next, and for every model by
 * `recoverAbandoned` at start-up, instead of blocking it for hours.
 */
export class ModelTrainingService {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly events: EventStore,
    private readonly runner: TrainingRunner,
    private readonly log: (message: string) => void = () => undefined,
    private readonly now: () => Date = () => new Date(),
    private readonly self: TrainerIdentity = thisTrainer(),
    private readonly isAlive: (pid: number) => boolean = processIsAlive,
  ) {}

  /** Records every model's versions abandoned by a dead trainer on this host as failed; returns them as `name@version`. */
  async recoverAbandoned(context: CommandContext): Promise<string[]> {
    const recovered: string[] = [];
    for (const name of await this.registry.names()) {
      const versions = await this.failAbandoned(name, await this.registry.state(name), context);
      recovered.push(...versions.map((v) => `${name}@${v}`));
    }
    return recovered;
  }

  private async failAbandoned(name: string, state: ModelRegistryState, context: CommandContext): Promise<number[]> {
    const abandoned = abandonedVersions(state, this.self, this.isAlive);
    for (const v of abandoned) {
      const error = abandonedReason(v);
      this.log(`${name}@${v.version}: ${error}; recorded as failed`);
      await this.registry.execute(name, { type: 'RecordTrainingFailed', version: v.version, error, at: this.now().toISOString() }, context);
    }
    return abandoned.map((v) => v.version);
  }

  async start(name: string, request: TrainRequest, context: CommandContext): Promise<StartedTraining> {
    const state = await this.registry.state(name);
    const kind = this.kindFor(name, request.kind, state);
    await this.failAbandoned(name, state, context);
    const head = await this.events.headPosition();
    const until = request.untilPosition ?? head;
    if (until > head) {
      throw new DomainRuleViolation('beyond_head', `position ${until} is beyond the log head ${head}`, 'untilPosition', false);
    }
    const params = request.params ?? {};
    const started = await this.registry.execute(
      name,
      { type: 'StartTraining', model: name, kind, params, untilPosition: until.toString(), at: this.now().toISOString(), staleAfterMs: STALE_TRAINING_MS, trainer: this.self },
      context,
    );
    const event = started.events[0];
    if (event?.type !== 'ModelTrainingStarted') throw new Error(`StartTraining for ${name} stored no ModelTrainingStarted`);
    const version = event.data.version;
    const done = this.finish(name, version, { kind, params, untilPosition: until.toString(), seed: request.seed ?? 42 }, request.autoPromote ?? false, context);
    return { model: name, version, kind, untilPosition: until.toString(), done };
  }

  private kindFor(name: string, requested: string | undefined, state: ModelRegistryState): string {
    const kind = requested ?? state.versions[state.versions.length - 1]?.kind ?? (findTrainableSpec(name) ? name : undefined);
    if (!kind) {
      throw new DomainRuleViolation(
        'kind_required',
        `'${name}' is not an architecture; say which one (${trainableSpecs().map((s) => s.name).join(', ')})`,
        'kind',
        false,
      );
    }
    const spec = findTrainableSpec(kind);
    if (!spec) {
      throw new DomainRuleViolation('unknown_kind', `unknown model kind '${kind}'; known: ${trainableSpecs().map((s) => s.name).join(', ')}`, 'kind', false);
    }
    return spec.name;
  }

  private async finish(
    model: string,
    version: number,
    job: { kind: string; params: Params; untilPosition: string; seed: number },
    autoPromote: boolean,
    context: CommandContext,
  ): Promise<TrainingReport> {
    let outcome: TrainingOutcome;
    try {
      outcome = await this.runner.run({ model, version, ...job }, (message) => this.log(message));
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      this.log(`${model}@${version}: training failed: ${message}`);
      await this.registry
        .execute(model, { type: 'RecordTrainingFailed', version, error: message, at: this.now().toISOString() }, context)
        .catch((e: unknown) => this.log(`${model}@${version}: could not record the failure: ${(e as Error).message}`));
      return { model, version, status: 'failed', error: message };
    }
    try {
      await this.registry.execute(model, { type: 'RecordTrained', version, ...outcome, at: this.now().toISOString() }, context);
    } catch (error) {
      return { model, version, status: 'failed', error: `trained, but recording it failed: ${(error as Error).message}` };
    }
    this.log(`${model}@${version}: trained in ${outcome.trainingSeconds.toFixed(1)} s, ${outcome.metric.name} ${outcome.metric.value.toFixed(4)} on ${outcome.validationCases} validation cases`);
    if (!autoPromote) return { model, version, status: 'trained', outcome };
    try {
      const promoted = await this.registry.execute(model, { type: 'Promote', version, force: false, at: this.now().toISOString() }, context);
      const event = promoted.events[0];
      const reason = event?.type === 'ModelPromoted' ? event.data.reason : 'already serving';
      return { model, version, status: 'trained', outcome, promoted: true, promotion: reason };
    } catch (error) {
      if (!(error instanceof DomainRuleViolation)) throw error;
      return { model, version, status: 'trained', outcome, promoted: false, promotion: error.message };
    }
  }
}
