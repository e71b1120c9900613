import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PulseProcess } from '@pulse/testing/pulse-process';

/** Helpers every `pulse bench ...` command shares: statistics, timing, the service under test. */

// ---- statistics ---------------------------------------------------------------

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentile of an ascending array (no interpolation: every figure was really observed). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarise(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const values = Array.from(sorted);
  const total = values.reduce((sum, v) => sum + v, 0);
  return {
    count: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length > 0 ? values[values.length - 1]! : Number.NaN,
    mean: values.length > 0 ? total / values.length : Number.NaN,
  };
}

// ---- timing -------------------------------------------------------------------

/** Milliseconds on a monotonic clock (wall-clock time can jump). */
export const now = (): number => performance.now();

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs at most `limit` tasks at once; the rest wait in call order. Keeps an
 * open-loop client from opening a connection per late request, which on
 * overload overflows the server's accept queue and ends in ECONNRESET.
 */
export function concurrencyLimit(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve)); // a finishing task hands over its slot
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

// ---- environment ----------------------------------------------------------------

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly platform: string;
  readonly totalMemoryMb: number;
  /** 1-minute load average when the bench started: how busy the machine already was. */
  readonly loadAverage1m: number;
}

export function machineInfo(): MachineInfo {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    totalMemoryMb: Math.round(totalmem() / 2 ** 20),
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
  };
}

/** Progress goes to stderr so stdout stays the report (and --json's last line). */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function makeTempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `pulse-bench-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

// ---- the service under test --------------------------------------------------------


export interface PulseChild {
  readonly baseUrl: string;
  readonly dataDir: string;
  /** Random per run: the benchmark's own keys, never printed. */
  readonly ingestKey: string;
  /** The child's recent output, to explain a failure. */
  outputTail(): string;
  isAlive(): boolean;
  /** CPU time the child has used so far (user + system), where the OS tells (Linux); else undefined. */
  cpuMs(): number | undefined;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts the compiled service (see PulseProcess) with keys of its own, never printed. */
export async function startPulse(
  dataDir: string,
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 30_000,
): Promise<PulseChild> {
  const key = () => randomBytes(18).toString('base64url');
  const pulse = await PulseProcess.start({
    dataDir,
    keys: { admin: key(), ingest: key(), read: key() },
    env,
    startTimeoutMs: timeoutMs,
  });
  return {
    baseUrl: pulse.baseUrl,
    dataDir,
    ingestKey: pulse.keys.ingest,
    outputTail: pulse.outputTail,
    isAlive: () => pulse.isAlive(),
    cpuMs: () => processCpuMs(pulse.pid),
    stop: (graceMs) => pulse.stop(graceMs),
  };
}

/** CPU time a process has used (user + system) from /proc; undefined off Linux or once it is gone. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** POSTs JSON with the ingest key; throws with the status and body unless 200/201. */
export async function postJson<T>(
  pulse: PulseChild,
  method: string,
  path: string,
  body: unknown,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(pulse.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${pulse.ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    // fetch says only "fetch failed"; the reason (ECONNRESET, ...) is in its cause.
    const cause = (error as Error).cause as { code?: string; message?: string } | undefined;
    throw new Error(`${method} ${path} failed: ${cause?.code ?? ''} ${cause?.message ?? error}`, {
      cause: error,
    });
  }
  const text = await response.text();
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return JSON.parse(text) as T;
}

// ---- output ----------------------------------------------------------------------

/** A plain text table: first column left-aligned, the others right-aligned. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Fixed decimals, or '-' for a figure that does not apply. */
export function fmt(value: number | undefined, decimals = 1): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}
