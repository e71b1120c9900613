import { Logger } from '@nestjs/common';
import type { DocumentStore } from '../document-store/document-store.port';
import type { EventStore } from '../event-store/event-store.port';
import type { EventRegistry } from '../events/event-registry';
import type { Projection } from './projection';
import {
  checkpointName,
  physicalCollection,
  ProjectionRunner,
  type ProjectionRunnerOptions,
} from './projection-runner';
import type { ProjectionStatus } from './projection-status';

export class UnknownProjectionError extends Error {
  constructor(readonly projection: string) {
    super(`no projection named '${projection}'`);
    this.name = 'UnknownProjectionError';
  }
}

export class ProjectionWaitTimeoutError extends Error {
  constructor(readonly position: bigint, readonly projections: string[], timeoutMs: number) {
    super(
      `read models (${projections.join(', ')}) had not reached position ${position} after ${timeoutMs} ms; retry, or read without 'after'`,
    );
    this.name = 'ProjectionWaitTimeoutError';
  }
}

interface Slot {
  serving: ProjectionRunner;
  rebuilding?: ProjectionRunner;
}

/**
 * Owns every projection's runners: starts the serving version of each,
 * rebuilds blue/green (the next version fills from the start of the log
 * while the current one keeps serving and following live events, then the
 * serving version switches atomically and the old one is dropped), pauses and
 * resumes, and tells readers which physical collection serves a read model.
 */
export class ProjectionManager {
  private readonly logger = new Logger('Projections');
  private readonly slots = new Map<string, Slot>();
  private readonly owners = new Map<string, string>(); // read model → projection

  constructor(
    private readonly projections: readonly Projection[],
    private readonly events: EventStore,
    private readonly docs: DocumentStore,
    private readonly registry: EventRegistry,
    private readonly options: ProjectionRunnerOptions & { rebuildPollMs?: number } = {},
  ) {
    for (const projection of projections) {
      for (const readModel of projection.readModels) this.owners.set(readModel.name, projection.name);
    }
  }

  async start(): Promise<void> {
    for (const projection of this.projections) {
      let version = await this.docs.getServingVersion(projection.name);
      if (version === null) {
        version = 1;
        await this.docs.setServingVersion(projection.name, version);
      }
      const runner = this.runner(projection, version, 'serving');
      this.slots.set(projection.name, { serving: runner });
      await runner.start();
    }
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.slots.values()].flatMap((slot) => [slot.serving.stop(), slot.rebuilding?.stop()]),
    );
  }

  list(): ProjectionStatus[] {
    return [...this.slots.values()].flatMap((slot) =>
      slot.rebuilding ? [slot.serving.status(), slot.rebuilding.status()] : [slot.serving.status()],
    );
  }

  names(): string[] {
    return [...this.slots.keys()];
  }

  /** The physical collection that serves `readModel` now. */
  collectionFor(readModel: string): string {
    const owner = this.owners.get(readModel);
    if (!owner) throw new Error(`no projection writes read model '${readModel}'`);
    return this.slot(owner).serving.collection(readModel);
  }

  /** Waits until the projections serving these read models have applied `position`. */
  async waitFor(position: bigint, readModels: readonly string[], timeoutMs: number): Promise<void> {
    const names = [...new Set(readModels.map((readModel) => this.owners.get(readModel)!))];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProjectionWaitTimeoutError(position, names, timeoutMs)), timeoutMs);
    });
    try {
      await Promise.race([Promise.all(names.map((name) => this.waitForServing(name, position))), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async waitForServing(name: string, position: bigint): Promise<void> {
    for (;;) {
      const runner = this.slot(name).serving;
      try {
        return await runner.waitFor(position);
      } catch (error) {
        // A rebuild switched versions while we waited: wait on the new one.
        if (this.slot(name).serving === runner) throw error;
      }
    }
  }

  async pause(name: string): Promise<void> {
    const slot = this.slot(name);
    await Promise.all([slot.serving.stop('paused'), slot.rebuilding?.stop('paused')]);
  }

  async resume(name: string): Promise<void> {
    const slot = this.slot(name);
    for (const runner of [slot.serving, slot.rebuilding]) {
      const state = runner?.status().state;
      if (runner && (state === 'paused' || state === 'failed' || state === 'stopped')) await runner.start();
    }
  }

  /**
   * Starts building the next version from the start of the log. Returns at
   * once; progress shows in `list()`, and the switch happens when the new
   * version has caught up.
   */
  async rebuild(name: string): Promise<ProjectionStatus> {
    const slot = this.slot(name);
    if (slot.rebuilding) return slot.rebuilding.status();
    const projection = slot.serving.projection;
    const next = this.runner(projection, slot.serving.version + 1, 'rebuilding');
    // A leftover from an interrupted rebuild of the same version starts over.
    await this.dropVersion(projection, next.version);
    slot.rebuilding = next;
    await next.start();
    void this.switchWhenCaughtUp(slot, next);
    return next.status();
  }

  private async switchWhenCaughtUp(slot: Slot, next: ProjectionRunner): Promise<void> {
    const pollMs = this.options.rebuildPollMs ?? 100;
    try {
      while (slot.rebuilding === next) {
        const state = next.status().state;
        if (state === 'failed' || state === 'stopped') return;
        if (state !== 'paused' && (await next.isCaughtUp())) break;
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
      if (slot.rebuilding !== next) return;
      const old = slot.serving;
      await this.docs.setServingVersion(old.projection.name, next.version);
      next.role = 'serving';
      slot.serving = next;
      slot.rebuilding = undefined;
      await old.stop();
      await this.dropVersion(old.projection, old.version);
      this.logger.log(`${old.projection.name}: switched from v${old.version} to v${next.version}`);
    } catch (error) {
      this.logger.error(`${next.projection.name}: rebuild of v${next.version} failed: ${(error as Error).stack}`);
    }
  }

  private async dropVersion(projection: Projection, version: number): Promise<void> {
    for (const readModel of projection.readModels) {
      await this.docs.dropCollection(physicalCollection(readModel.name, version));
    }
    await this.docs.deleteCheckpoint(checkpointName(projection.name, version));
  }

  private runner(projection: Projection, version: number, role: 'serving' | 'rebuilding') {
    return new ProjectionRunner(projection, version, this.events, this.docs, this.registry, this.options, role);
  }

  private slot(name: string): Slot {
    const slot = this.slots.get(name);
    if (!slot) throw new UnknownProjectionError(name);
    return slot;
  }
}
