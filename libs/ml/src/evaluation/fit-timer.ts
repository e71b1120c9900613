import { performance } from 'node:perf_hooks';

export interface FitTime {
  /** Wall-clock, s: grows when other work shares the cores. */
  readonly seconds: number;
  /**
   * CPU time of this process (all its threads), s: what the work costs
   * whatever else runs beside it. With the single-threaded wasm backend,
   * an idle machine's wall time is about this.
   */
  readonly cpuSeconds: number;
}

/** Runs `work` and measures its wall and CPU time. */
export async function timed(work: () => unknown): Promise<FitTime> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await work();
  const cpu = process.cpuUsage(cpu0);
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
