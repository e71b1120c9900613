import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

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

/** The compiled API next to the compiled CLI (dist/apps/cli/src/bench → dist/apps/api/src). */
const API_ENTRY = join(__dirname, '..', '..', '..', 'api', 'src', 'main.js');
const LISTENING = /Pulse listening on (http:\/\/\S+)/;
const OUTPUT_TAIL_CHARS = 8_000;

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

/** Starts `node dist/apps/api/src/main.js` on a free port and waits for its "listening" line. */
export async function startPulse(
  dataDir: string,
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 30_000,
): Promise<PulseChild> {
  if (!existsSync(API_ENTRY)) {
    throw new Error(`${API_ENTRY} is missing: run \`npm run build\` first`);
  }
  const key = () => randomBytes(18).toString('base64url');
  const ingestKey = key();
  const child: ChildProcess = spawn(process.execPath, [API_ENTRY], {
    env: {
      ...process.env,
      PORT: '0',
      // Not 0.0.0.0: fetch may try "localhost" as ::1 first, where nothing listens.
      HOST: '127.0.0.1',
      PULSE_DATA_DIR: dataDir,
      PULSE_ADMIN_KEY: key(),
      PULSE_INGEST_KEY: ingestKey,
      PULSE_READ_KEY: key(),
      PULSE_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<string>((done) =>
    child.once('exit', (code, signal) => done(signal ?? `exit code ${code}`)),
  );
  // Read both pipes for the child's whole life: a full pipe would stall it mid-benchmark.
  let output = '';
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout!.on('data', keepTail);
  child.stderr!.on('data', keepTail);

  const baseUrl = await new Promise<string>((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`Pulse did not start within ${timeoutMs} ms. Its output:\n${output}`));
    }, timeoutMs);
    const onData = () => {
      const match = LISTENING.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      ready(match[1]!);
    };
    child.stdout!.on('data', onData);
    void exited.then((how) => {
      clearTimeout(timer);
      fail(new Error(`Pulse exited (${how}) before listening. Its output:\n${output}`));
    });
  });

  const isAlive = () => child.exitCode === null && child.signalCode === null;
  return {
    baseUrl,
    dataDir,
    ingestKey,
    outputTail: () => output,
    isAlive,
    cpuMs: () => processCpuMs(child.pid),
    async stop(graceMs = 10_000) {
      if (!isAlive()) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * CPU time of another process from /proc/<pid>/stat (utime and stime, fields
 * 14 and 15, in clock ticks of 1/100 s on Linux). On a shared machine, CPU
 * per event is a steadier figure than events per second.
 */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined; // not Linux, or the process is gone: the figure is left out
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
