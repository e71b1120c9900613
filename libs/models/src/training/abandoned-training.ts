import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ModelRegistryState, ModelVersionState } from '../registry/model-registry.decider';
import type { TrainerIdentity } from '../registry/model.events';

/**
 * A training job lives in the process that started it: that process runs (or
 * supervises) the job and records ModelTrained or ModelTrainingFailed. If it
 * dies first, the version stays 'training' and blocks the next run of that
 * model until the registry's staleness window (hours) passes. Each version
 * therefore records its trainer, and a process on the same host can tell a
 * dead trainer's version from a live one's and record it as failed.
 */

const THIS_RUN = randomUUID();

/** This process: host, pid and a random id for this run of it. */
export function thisTrainer(): TrainerIdentity {
  return { host: hostname(), pid: process.pid, run: THIS_RUN };
}

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by someone else). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Versions still 'training' whose trainer is certainly gone: on this host,
 * not this run of this process, and either its pid is gone or it is this
 * process's own pid (a restart that reused it). Versions from other hosts,
 * or recorded before trainers were, are left to the staleness window: from
 * here they cannot be told apart from live ones.
 */
export function abandonedVersions(
  state: ModelRegistryState,
  self: TrainerIdentity,
  isAlive: (pid: number) => boolean = processIsAlive,
): ModelVersionState[] {
  return state.versions.filter((v) => {
    const t = v.trainer;
    if (v.status !== 'training' || !t || t.host !== self.host || t.run === self.run) return false;
    return t.pid === self.pid || !isAlive(t.pid);
  });
}

export function abandonedReason(v: ModelVersionState): string {
  const t = v.trainer!;
  return `abandoned: its trainer (pid ${t.pid} on ${t.host}) ended before recording an outcome`;
}
