import type { EventStore, EventSubscription } from '@pulse/platform/event-store/event-store.port';
import { type StartingWeights, startingWeightsOf } from '../learning/starting-weights';
import { loadStartingWeights, readModelStream } from '../learning/starting-weights.loader';
import type { ModelArtifactStore } from '../registry/model-artifact-store.port';
import type { ModelRegistry } from '../registry/model-registry';
import { MODEL_STREAM_PREFIX } from '../registry/model.events';
import { decideLiveReplacement, type ReplaceDecision } from './live-replacement.rule';
import { ServableModel } from './servable-model';

/** A use of a serving model; release it when the request is done. */
export interface ModelLease {
  readonly model: ServableModel;
  release(): void;
}

export interface ServingStatus {
  readonly name: string;
  /** The version answering requests now (undefined while none is loaded). */
  readonly servingVersion?: number;
  /** The learning loop's update of servingVersion that serves (its event's number; absent: the version as trained). */
  readonly servingIncrement?: number;
  /** The registry's champion: differs from servingVersion while it loads, or if loading failed. */
  readonly championVersion?: number;
  readonly since?: string;
  readonly loadError?: string;
}

/** One loaded version, counted while requests use it, disposed once retired and idle. */
class Slot {
  private users = 0;
  private retired = false;
  private disposed = false;
  constructor(
    readonly model: ServableModel,
    readonly since: string,
  ) {}
  lease(): ModelLease {
    this.users++;
    let released = false;
    return {
      model: this.model,
      release: () => {
        if (released) return;
        released = true;
        this.users--;
        this.disposeIfDone();
      },
    };
  }
  retire(): void {
    this.retired = true;
    this.disposeIfDone();
  }
  private disposeIfDone(): void {
    if (this.retired && this.users === 0 && !this.disposed) {
      this.disposed = true;
      this.model.dispose();
    }
  }
}

export type ServingLog = (level: 'log' | 'warn' | 'error', message: string) => void;

/**
 * Holds the promoted version of every model (from its latest increment the
 * learning loop stored, when there is one: starting-weights.ts) and swaps in
 * a new one atomically: the new version is loaded off to the side while the old one
 * keeps answering, then one reference assignment switches; requests that
 * leased the old one finish on it, and it is disposed after the last
 * release. Follows the `model-` streams through the store's subscription,
 * so a promotion or rollback made by any process (the CLI, another Pulse),
 * and an update another process's learning loop swapped in and stored, are
 * picked up within the subscription's latency.
 */
export class ServingModels {
  private readonly slots = new Map<string, Slot>();
  private readonly champions = new Map<string, { version?: number; since?: string; loadError?: string }>();
  /** Per model: the refresh in progress, so refreshes of one model run in order. */
  private readonly refreshing = new Map<string, Promise<void>>();
  private subscription?: EventSubscription;
  private following?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly events: EventStore,
    private readonly registry: ModelRegistry,
    private readonly artifacts: ModelArtifactStore,
    private readonly log: ServingLog = () => undefined,
  ) {}

  /** Loads every model's champion, then follows the registry streams from where the load started. */
  async start(): Promise<void> {
    const head = await this.events.headPosition();
    await Promise.all((await this.registry.names()).map((name) => this.refresh(name)));
    if (this.stopped) return;
    this.subscription = this.events.subscribeToAll({
      after: head,
      // Updates too: one stored by another process's learning loop serves here as well.
      filter: { streamPrefixes: [MODEL_STREAM_PREFIX], eventTypes: ['ModelPromoted', 'ModelRolledBack', 'ModelIncrementallyUpdated'] },
    });
    const subscription = this.subscription;
    this.following = (async () => {
      try {
        for await (const event of subscription) {
          if (event.type === 'ModelIncrementallyUpdated' && !(event.data.swapped === true && event.data.artifact)) continue;
          void this.refresh(event.streamId.slice(MODEL_STREAM_PREFIX.length));
        }
      } catch (error) {
        if (!this.stopped) this.log('error', `model registry subscription ended: ${(error as Error).message}`);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    await this.following;
    await Promise.allSettled([...this.refreshing.values()]);
    for (const slot of this.slots.values()) slot.retire();
    this.slots.clear();
  }

  /** The serving version of `name`, leased; undefined when none is loaded. */
  acquire(name: string): ModelLease | undefined {
    return this.slots.get(name)?.lease();
  }

  /** The model promoted (or restored) most recently, leased: what serves by default. */
  acquireLatest(): ModelLease | undefined {
    let latest: [string, Slot] | undefined;
    for (const entry of this.slots) {
      if (!latest || entry[1].since > latest[1].since || (entry[1].since === latest[1].since && entry[0] < latest[0])) {
        latest = entry;
      }
    }
    return latest?.[1].lease();
  }

  status(): ServingStatus[] {
    const names = new Set([...this.slots.keys(), ...this.champions.keys()]);
    return [...names].sort().map((name) => {
      const slot = this.slots.get(name);
      const champion = this.champions.get(name);
      return {
        name,
        ...(slot && { servingVersion: slot.model.version, since: slot.since }),
        ...(slot && slot.model.increment > 0 && { servingIncrement: slot.model.increment }),
        ...(champion?.version !== undefined && { championVersion: champion.version }),
        ...(champion?.loadError !== undefined && { loadError: champion.loadError }),
      };
    });
  }

  /**
   * Serves the learning loop's updated weights of `name` in place of the
   * champion's (or of an earlier update), with the same discipline as a
   * promotion: one assignment switches, requests that leased the old
   * instance finish on it, and it is disposed after the last release.
   * Accepted only when `model` descends from the champion serving now
   * (live-replacement.rule.ts). On acceptance this holder owns `model`;
   * on refusal the caller still does.
   */
  replace(name: string, model: ServableModel): ReplaceDecision {
    if (model.name !== name) throw new Error(`model: the weights are ${model.name}'s, not ${name}'s`);
    if (this.stopped) return { replace: false, reason: 'serving is stopping' };
    const current = this.slots.get(name);
    const decision = decideLiveReplacement(
      this.champions.get(name)?.version,
      current && { version: current.model.version, increment: current.model.increment },
      { version: model.version, increment: model.increment },
    );
    if (!decision.replace || !current) return decision;
    // Keeps the champion's `since`: which model serves by default follows promotions, not updates.
    this.slots.set(name, new Slot(model, current.since));
    current.retire();
    return decision;
  }

  /** Re-reads a model's champion and loads it if it is not the one serving. Resolves when done. */
  refresh(name: string): Promise<void> {
    const previous = this.refreshing.get(name) ?? Promise.resolve();
    const next = previous.then(() => this.load(name));
    this.refreshing.set(name, next);
    void next.finally(() => {
      if (this.refreshing.get(name) === next) this.refreshing.delete(name);
    });
    return next;
  }

  private async load(name: string): Promise<void> {
    if (this.stopped) return;
    const state = await this.registry.state(name).catch((error: unknown) => {
      this.log('error', `model ${name}: cannot read the registry: ${(error as Error).message}`);
      return undefined;
    });
    if (!state) return;
    const version = state.champion;
    this.champions.set(name, { version, since: state.championSince });
    const current = this.slots.get(name);
    if (version === undefined) {
      // Nothing to serve (never promoted): drop whatever this process had.
      this.slots.delete(name);
      current?.retire();
      return;
    }
    const weights = await this.startingWeights(name, version);
    if (current?.model.version === version && (weights.increment?.increment ?? 0) <= current.model.increment) return;
    const trained = state.versions.find((v) => v.version === version)?.trained;
    try {
      const started = Date.now();
      const { loaded: model } = await loadStartingWeights(
        this.artifacts,
        name,
        weights,
        (files, increment) => ServableModel.fromFiles(files, { increment }),
        (message) => this.log('warn', message),
      );
      if (this.stopped) return model.dispose();
      // Re-read: the learning loop may have replaced the slot while this version loaded,
      // possibly with a later update of it than the one just read from the store.
      const replaced = this.slots.get(name);
      if (replaced && replaced.model.version === version && replaced.model.increment >= model.increment) {
        return model.dispose();
      }
      this.slots.set(name, new Slot(model, state.championSince ?? new Date().toISOString()));
      replaced?.retire();
      this.log(
        'log',
        `model ${name}: serving version ${version}${model.increment > 0 ? ` as updated by the learning loop (${model.label})` : ''} (${trained?.metric.name ?? 'metric'} ${trained?.metric.value.toFixed(4) ?? '?'}, ` +
          `${model.numItems} items${model.embedsContent ? ', new items scored by content' : ''}) loaded in ${Date.now() - started} ms` +
          (replaced ? `, replacing ${replaced.model.label}` : ''),
      );
    } catch (error) {
      const message = (error as Error).message;
      this.champions.set(name, { version, since: state.championSince, loadError: message });
      this.log('error', `model ${name}: cannot load version ${version}, ${current ? `version ${current.model.version} keeps serving` : 'nothing serves'}: ${message}`);
    }
  }

  /**
   * The version's latest increment stored by the learning loop, if any. Read after the registry
   * state, whose champion stays the one loaded; if the log cannot be read, the version as trained
   * serves (an increment is worth a warning, not an outage).
   */
  private async startingWeights(name: string, version: number): Promise<StartingWeights> {
    try {
      return startingWeightsOf(await readModelStream(this.events, name), version);
    } catch (error) {
      this.log('warn', `model ${name}: cannot read the learning loop's updates, serving version ${version} as trained: ${(error as Error).message}`);
      return { version, stored: [], attempts: 0 };
    }
  }
}
