import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { ModelArtifactStore } from '../registry/model-artifact-store.port';
import { metadataFile } from '../serving/model-artifact-codec';
import { ServableModel } from '../serving/servable-model';
import { type DenseCase, scoreHoldout } from './holdout-metrics';
import type { TrainableModel } from './incremental-learner';
import { learnerFor } from './incremental-learners';
import type { Interaction } from './interaction';
import type { LiveModel, LiveModelSlot } from './live-model.slot';
import type { ModelIncrementallyUpdatedData } from './model-incrementally-updated.event';
import { type NextItemCase, NextItemCaseLog } from './next-item-cases';
import { decideSwap } from './swap-decision';

export interface IncrementalTrainerOptions {
  readonly holdoutCases: number;
  readonly replayRatio: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly tolerance: number;
  /** Fewer holdout cases than this: too few to judge, nothing is swapped. Default 20. */
  readonly minHoldoutCases?: number;
  /** Sequences per gradient step; the event loop runs between steps. Default 64. */
  readonly stepSize?: number;
  readonly seed?: number;
}

/** Where accepted weights go to serve requests (ServingModels): it takes the instance or says why not. */
export interface LiveServing {
  replace(name: string, model: ServableModel): { replace: true } | { replace: false; reason: string };
}

/** Where swapped-in weights are stored, so a restart continues from them (the model artifact store). */
export type IncrementStore = Pick<ModelArtifactStore, 'put'>;

/** What one update did; `event` is what was (or is to be) recorded. */
export interface UpdateOutcome {
  readonly event?: ModelIncrementallyUpdatedData;
  /** Why nothing was trained (no serving model, a kind with no incremental learner). */
  readonly skipped?: string;
  readonly shoppers: readonly string[];
  /** Per-step wall times (ms): how long each synchronous stretch held the event loop. */
  readonly stepMs: readonly number[];
  readonly swappedAt?: number;
  /** After a swap: whether GET recommendations now serve these weights, and if not why. */
  readonly served?: { readonly label: string } | { readonly refused: string };
}

export const INCREMENTAL_METRIC = 'ndcg@10';

/**
 * The trainer actor: the one writer of a model's live weights. Each update
 * starts from the serving weights (a copy loaded from their files), runs a
 * few epochs of gradient steps on the batch's next-item cases mixed with a
 * replay sample, scores the copy and the serving weights on the rolling
 * holdout, and swaps the copy in only when it is not worse, after storing
 * its files as an increment of the version (so a restart continues from it).
 *
 * What differs between kinds (loading the copy, a gradient step, scoring,
 * saving) is the learner of the model's kind (incremental-learners.ts:
 * sasrec and gru4rec, two-tower); other kinds are skipped. Cases naming an
 * item the model was not trained on (target, or the whole history) are left
 * out: such items have no id embedding until the next full retrain.
 *
 * It never blocks ingestion or serving for long: training runs in steps of
 * `stepSize` sequences with the event loop released between steps (tfjs on
 * wasm runs on this thread; a step is tens of milliseconds), and so does
 * holdout scoring. Updates are serialised: a call made while one runs waits.
 */
export class IncrementalTrainer {
  readonly cases: NextItemCaseLog;
  private tail: Promise<unknown> = Promise.resolve();
  private running = 0;

  constructor(
    private readonly slot: LiveModelSlot,
    private readonly options: IncrementalTrainerOptions,
    private readonly serving?: LiveServing,
    /** Without one (tests), swapped weights live in memory only and the event names no artifact. */
    private readonly increments?: IncrementStore,
  ) {
    this.cases = new NextItemCaseLog({
      maxHistory: 50,
      holdoutSize: options.holdoutCases,
      replayCapacity: 20_000,
      maxShoppers: 100_000,
      seed: options.seed ?? 42,
    });
  }

  get busy(): boolean {
    return this.running > 0;
  }

  /** Settles once every update asked for so far has finished (shutdown waits for it). */
  whenIdle(): Promise<void> {
    return this.tail.then(() => undefined);
  }

  update(batch: readonly Interaction[], dropped = 0): Promise<UpdateOutcome> {
    this.running++;
    const run = this.tail.then(() => this.runUpdate(batch, dropped));
    this.tail = run.catch(() => undefined).finally(() => this.running--);
    return run;
  }

  /** Leases the live weights for the whole update: a promotion meanwhile must not free what it trains from. */
  private async runUpdate(batch: readonly Interaction[], dropped: number): Promise<UpdateOutcome> {
    const live = this.slot.lease();
    try {
      return await this.updateFrom(live, batch, dropped);
    } finally {
      if (live) this.slot.release(live);
    }
  }

  private async updateFrom(live: LiveModel | undefined, batch: readonly Interaction[], dropped: number): Promise<UpdateOutcome> {
    const started = performance.now();
    const { trainable, shoppers } = this.cases.ingest(batch);
    if (!live) return { skipped: `no serving version of ${this.slot.name} yet`, shoppers, stepMs: [] };
    const learner = learnerFor(live.metadata);
    if (!learner) return { skipped: `${live.metadata.kind} models are not updated incrementally`, shoppers, stepMs: [] };
    const dense = denseMapper(live.metadata.items);
    const fresh = trainable.flatMap((c) => dense(c));
    const replay = this.cases.sampleReplay(Math.round(fresh.length * this.options.replayRatio)).flatMap((c) => dense(c));
    const holdout = this.cases.holdout.flatMap((c) => dense(c));
    const stepMs: number[] = [];

    const candidate = await learner.load(live.files, { learningRate: this.options.learningRate });
    let keepCandidate = false;
    try {
      const loss = await learner.trainSteps(
        candidate,
        [...fresh, ...replay],
        {
          epochs: this.options.epochs,
          stepSize: this.options.stepSize ?? 64,
          learningRate: this.options.learningRate,
          seed: this.options.seed ?? 42,
        },
        stepMs,
      );
      // Scoring holds the event loop too: time each scored chunk like a gradient step.
      const timed = (model: TrainableModel) => (h: readonly Int32Array[], out: Float32Array) => {
        const t = performance.now();
        learner.scoreBatch(model, h, out);
        stepMs.push(performance.now() - t);
      };
      const numItems = live.metadata.items.length;
      const between = { yieldBetween: () => yieldToEventLoop() };
      const servingScore = await scoreHoldout(timed(live.trainable), numItems, holdout, 10, between);
      const candidateScore = await scoreHoldout(timed(candidate), numItems, holdout, 10, between);
      const decision = decideSwap(
        {
          metricName: INCREMENTAL_METRIC,
          servingMetric: servingScore.ndcg,
          candidateMetric: candidateScore.ndcg,
          holdoutCases: holdout.length,
          trainingLoss: loss,
          examplesTrained: fresh.length + replay.length,
        },
        { minHoldoutCases: this.options.minHoldoutCases ?? 20, tolerance: this.options.tolerance },
      );
      this.cases.remember(trainable);
      const event: ModelIncrementallyUpdatedData = {
        model: this.slot.name,
        version: live.version,
        increment: live.attempts + 1,
        fromPosition: batch[0]?.position ?? '-1',
        toPosition: batch[batch.length - 1]?.position ?? '-1',
        events: batch.length,
        dropped,
        examples: fresh.length,
        replayed: replay.length,
        loss: Number.isFinite(loss) ? loss : -1,
        metric: { name: INCREMENTAL_METRIC, value: candidateScore.ndcg },
        servingMetric: { name: INCREMENTAL_METRIC, value: servingScore.ndcg },
        hitRate: candidateScore.hr,
        holdoutCases: holdout.length,
        swapped: decision.swap,
        reason: decision.reason,
        trainingMs: performance.now() - started,
        updatedAt: new Date().toISOString(),
      };
      if (!decision.swap) {
        if (this.slot.current === live) this.slot.recordAttempt();
        return { event, shoppers, stepMs };
      }
      // The champion's metadata (kind, item table, content) with the candidate's weights (and, for
      // two-tower, the content vocabulary and item rows model.json carries): it serves like the champion.
      const files = { ...(await learner.save(candidate)), ...metadataFile(live.metadata) };
      // Numbered as the event: the served label, the stored files and the event name the same update.
      const increment = event.increment;
      // Stored before anything serves them and before the caller records the event, so an event that
      // says swapped always has its files; if storing fails the update fails and nothing is swapped.
      const artifact = await this.increments?.put({ model: this.slot.name, version: live.version, increment }, files);
      const servable = await ServableModel.fromFiles(files, { increment });
      // The request path gets its own instance: the serving holder disposes it after its last lease,
      // the slot disposes its own after a grace period; one owner each.
      const published = this.serving
        ? await ServableModel.fromFiles(files, { increment }).catch((error: unknown) => {
            servable.dispose();
            throw error;
          })
        : undefined;
      // Checked with no await before the swap: a promotion or rollback that reloaded the slot during
      // the update wins. These weights descend from what no longer serves; swapping them in would
      // put the old champion back in the loop (its stored files stay unnamed by a swapped event).
      if (this.slot.current !== live) {
        servable.dispose();
        published?.dispose();
        const reason = `superseded: ${this.slot.label() ?? 'another version'} was loaded during the update (${decision.reason})`;
        return { event: { ...event, swapped: false, reason }, shoppers, stepMs };
      }
      keepCandidate = true;
      const next: LiveModel = {
        ...live,
        servable,
        trainable: candidate,
        files,
        increment,
        attempts: live.attempts + 1,
        since: Date.now(),
      };
      this.slot.swap(next);
      const served = published && this.publish(published);
      return { event: artifact ? { ...event, artifact } : event, shoppers, stepMs, swappedAt: Date.now(), ...(served && { served }) };
    } finally {
      if (!keepCandidate) learner.dispose(candidate);
    }
  }

  /** Hands `model` to serving; on refusal it stays this trainer's, and goes. */
  private publish(model: ServableModel): UpdateOutcome['served'] {
    const decision = this.serving!.replace(this.slot.name, model);
    if (decision.replace) return { label: model.label };
    model.dispose();
    return { refused: decision.reason };
  }
}

/** Pulse item ids -> the model's dense ids; cases naming items the model never saw are left out. */
function denseMapper(items: readonly string[]): (c: NextItemCase) => DenseCase[] {
  const index = new Map(items.map((id, dense) => [id, dense]));
  return (c) => {
    const target = index.get(c.target);
    if (target === undefined) return [];
    const history = c.history.flatMap((id) => {
      const d = index.get(id);
      return d === undefined ? [] : [d];
    });
    return history.length === 0 ? [] : [{ history: Int32Array.from(history), target }];
  };
}
