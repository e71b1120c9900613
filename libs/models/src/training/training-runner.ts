import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { PulseConfig } from '@pulse/platform/config/pulse-config';
import type { EventStore } from '@pulse/platform/event-store/event-store.port';
import type { ModelArtifactStore } from '../registry/model-artifact-store.port';
import { type TrainingJob, type TrainingOutcome, trainModelVersion } from './train-model-version';

/** Runs one training job somewhere; resolves with what ModelTrained records. */
export interface TrainingRunner {
  run(job: TrainingJob, log: (message: string) => void): Promise<TrainingOutcome>;
}

/** In this process (tests, and the CLI when asked): simplest, but it competes with whatever else runs here. */
export class InlineTrainingRunner implements TrainingRunner {
  constructor(
    private readonly events: EventStore,
    private readonly artifacts: ModelArtifactStore,
  ) {}
  run(job: TrainingJob, log: (message: string) => void): Promise<TrainingOutcome> {
    return trainModelVersion(this.events, this.artifacts, job, log);
  }
}

/** Messages from the worker process. */
export type WorkerMessage =
  | { readonly type: 'log'; readonly message: string }
  | { readonly type: 'done'; readonly outcome: TrainingOutcome }
  | { readonly type: 'failed'; readonly error: string };

/**
 * In a child process (the default). Why a process and not a worker thread:
 * training is seconds to minutes of CPU in TensorFlow.js, whose engine and
 * wasm heap are process-global; a child can be reniced below the server so
 * serving and ingestion keep the cores they need, its memory (weights,
 * gradients, the training set) goes back to the OS when it exits, and a
 * crash or out-of-memory kills only the job, which the registry then
 * records as ModelTrainingFailed. The child opens its own connections to the
 * event store (read-only use) and the artifact store from the same
 * environment; the registry events are written here, by the parent.
 */
export class ProcessTrainingRunner implements TrainingRunner {
  private readonly children = new Set<ChildProcess>();

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly entry: string = workerEntry(),
  ) {}

  run(job: TrainingJob, log: (message: string) => void): Promise<TrainingOutcome> {
    if (!existsSync(this.entry)) {
      return Promise.reject(new Error(`training worker ${this.entry} is missing: run npm run build`));
    }
    return new Promise((resolve, reject) => {
      const child = fork(this.entry, [], { env: this.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
      this.children.add(child);
      let settled = false;
      let stderrTail = '';
      child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString().trimEnd()));
      child.stderr?.on('data', (chunk: Buffer) => {
        stderrTail = (stderrTail + chunk.toString()).slice(-2000);
      });
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'log') log(message.message);
        else if (message.type === 'done') {
          settled = true;
          resolve(message.outcome);
        } else {
          settled = true;
          reject(new Error(message.error));
        }
      });
      child.on('error', (error) => {
        if (!settled) reject(error);
        settled = true;
      });
      child.on('exit', (code, signal) => {
        this.children.delete(child);
        if (!settled) {
          settled = true;
          reject(new Error(`training process exited (${signal ?? `code ${code}`}) before finishing: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}`));
        }
      });
      child.send(job);
    });
  }

  /** Ends running jobs (shutdown): their versions stay 'training' until staleness or a new run. */
  stop(): void {
    for (const child of this.children) child.kill('SIGTERM');
  }
}

/**
 * The environment a training child needs to open the same stores as this
 * process: its own, with the store settings taken from the validated config
 * (which may not come from the environment, e.g. in tests).
 */
export function trainingEnv(
  config: Pick<PulseConfig, 'PULSE_DATA_DIR' | 'EVENTSTORE_URL' | 'MONGODB_URI' | 'MONGODB_DB'>,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, PULSE_DATA_DIR: resolve(config.PULSE_DATA_DIR), MONGODB_DB: config.MONGODB_DB };
  for (const key of ['EVENTSTORE_URL', 'MONGODB_URI'] as const) {
    if (config[key]) env[key] = config[key];
    else delete env[key];
  }
  return env;
}

/** The compiled worker: next to this file under dist/, or, from TypeScript sources (jest), its build output. */
export function workerEntry(): string {
  if (__filename.endsWith('.js')) return join(__dirname, 'training.worker.js');
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'pulse') {
      return join(dir, 'dist', 'libs', 'models', 'src', 'training', 'training.worker.js');
    }
  }
  throw new Error(`cannot find the Pulse project above ${__dirname}`);
}
