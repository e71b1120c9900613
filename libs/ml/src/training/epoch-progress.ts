import { performance } from 'node:perf_hooks';
import { Presets, SingleBar } from 'cli-progress';
import type { ProgressMode } from './training-params';

/**
 * What the trainers show of an epoch while it runs and when it ends: the
 * progress bar, its wall and CPU time, and the shared parts of the epoch's
 * log line. Each trainer writes its own measures (loss, nll, ...) around them.
 */

/** 'bar': a cli-progress bar per epoch on stderr; 'log': one line per epoch; 'none'. */
export type EpochProgressMode = Exclude<ProgressMode, 'auto'>;

/**
 * The epoch's progress bar in 'bar' mode, else undefined. `format` is
 * cli-progress's template; the fields it names come with start and update.
 */
export function epochBar(mode: EpochProgressMode, format: string): SingleBar | undefined {
  if (mode !== 'bar') return undefined;
  return new SingleBar(
    { format, stream: process.stderr, hideCursor: true, etaBuffer: 30 },
    Presets.shades_classic,
  );
}

export interface EpochTiming {
  readonly seconds: number;
  /**
   * CPU seconds this process spent on the epoch. The wasm and cpu backends run
   * on one thread, so on a machine shared with other work this is what the
   * epoch would take alone.
   */
  readonly cpuSeconds: number;
}

/** Wall and CPU time since it was made (at the start of an epoch's batches). */
export class EpochClock {
  private readonly started = performance.now();
  private readonly cpuStarted = process.cpuUsage();

  /** Wall seconds so far. */
  elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }

  /** `count` per wall second so far, rounded (the bar's and progress message's speed). */
  rate(count: number): number {
    return Math.round(count / Math.max(this.elapsed(), 1e-9));
  }

  /** The epoch's time, read once its batches are done. */
  stop(): EpochTiming {
    const seconds = this.elapsed();
    const cpu = process.cpuUsage(this.cpuStarted);
    return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  }
}

/** `1.2 s (1.1 s CPU)`, as every epoch line shows it. */
export function formatTiming(timing: EpochTiming): string {
  return `${timing.seconds.toFixed(1)} s (${timing.cpuSeconds.toFixed(1)} s CPU)`;
}

/** The end of an epoch line: `, validation 0.1234`, or '' for an epoch without validation. */
export function formatValidation(validation: number | undefined): string {
  return validation !== undefined ? `, validation ${validation.toFixed(4)}` : '';
}
