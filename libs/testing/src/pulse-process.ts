import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The real service as a child process, for e2e tests and benchmarks:
 * `node dist/apps/api/src/main.js` on a free port, a temp data directory and
 * known API keys. It runs the compiled output because that is what ships
 * (`npm test` builds first).
 */

/** The project root, found from here both as TypeScript source (jest) and compiled under dist/. */
function projectRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'pulse') {
      return dir;
    }
  }
  throw new Error(`cannot find the Pulse project above ${from}`);
}

const ENTRY = join(projectRoot(__dirname), 'dist', 'apps', 'api', 'src', 'main.js');
const LISTENING = /Pulse listening on (http:\/\/\S+)/;
/** Enough of the child's output to explain a failed start, without holding a long log in memory. */
const OUTPUT_TAIL_CHARS = 8_000;

export type Role = 'admin' | 'ingest' | 'read';

export const TEST_KEYS: Readonly<Record<Role, string>> = {
  admin: 'e2e-admin-key-0123456789',
  ingest: 'e2e-ingest-key-0123456789',
  read: 'e2e-read-key-0123456789',
};

export interface StartOptions {
  /** Reuse a data directory (e.g. to restart after a crash). Default: a fresh temp directory. */
  readonly dataDir?: string;
  /** API keys by role. Default: TEST_KEYS. */
  readonly keys?: Readonly<Record<Role, string>>;
  /** Extra environment, e.g. PULSE_UNKNOWN_ITEMS. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for the "listening" line. */
  readonly startTimeoutMs?: number;
}

export interface RequestOptions {
  /** A role's fixed key, or any other string sent as the bearer token as is. */
  readonly key?: Role | (string & {});
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

export interface PulseResponse<Body = any> {
  readonly status: number;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  readonly body: Body;
}

export function makeTempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'pulse-e2e-'));
}

export class PulseProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly dataDir: string,
    private readonly exited: Promise<NodeJS.Signals | number | null>,
    readonly keys: Readonly<Record<Role, string>>,
    /** The child's recent output, to explain a failure. */
    readonly outputTail: () => string,
  ) {}

  isAlive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  static async start(options: StartOptions = {}): Promise<PulseProcess> {
    if (!existsSync(ENTRY)) {
      throw new Error(
        `${ENTRY} is missing: run \`npm run build\` first (npm test does it in pretest)`,
      );
    }
    const dataDir = options.dataDir ?? makeTempDataDir();
    // PULSE_CHILD_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the
    // service under a test or benchmark (NODE_OPTIONS refuses --cpu-prof).
    const nodeArgs = (process.env.PULSE_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, ENTRY], {
      env: {
        ...process.env,
        PORT: '0',
        // Not 0.0.0.0: fetch may resolve "localhost" to ::1 first, where nothing listens.
        HOST: '127.0.0.1',
        PULSE_DATA_DIR: dataDir,
        PULSE_ADMIN_KEY: (options.keys ?? TEST_KEYS).admin,
        PULSE_INGEST_KEY: (options.keys ?? TEST_KEYS).ingest,
        PULSE_READ_KEY: (options.keys ?? TEST_KEYS).read,
        PULSE_LOG_LEVEL: 'warn',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | number | null>((done) =>
      child.once('exit', (code, signal) => done(signal ?? code)),
    );

    // Both pipes are read for the whole life of the child (a full pipe would block it),
    // and the tail explains a failed start.
    let output = '';
    const keepTail = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout!.on('data', keepTail);
    child.stderr!.on('data', keepTail);

    const timeoutMs = options.startTimeoutMs ?? 20_000;
    const listening = new Promise<string>((ready, fail) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        fail(new Error(`Pulse did not start within ${timeoutMs} ms. Its output:\n${output}`));
      }, timeoutMs);
      const onData = () => {
        const match = LISTENING.exec(output);
        if (!match) return;
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        ready(match[1]!.replace('localhost', '127.0.0.1'));
      };
      child.stdout!.on('data', onData);
      void exited.then((how) => {
        clearTimeout(timer);
        fail(new Error(`Pulse exited (${how}) before listening. Its output:\n${output}`));
      });
    });
    try {
      return new PulseProcess(child, await listening, dataDir, exited, options.keys ?? TEST_KEYS, () => output);
    } catch (error) {
      // A directory we made is ours to remove; a caller's is left for inspection.
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends a signal and resolves once the process is gone, with its exit code or signal. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<NodeJS.Signals | number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** Graceful stop (SIGTERM), SIGKILL if it hangs. The data directory is left for inspection. */
  async stop(graceMs = 10_000): Promise<void> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      await this.kill('SIGTERM');
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the process and deletes its data directory. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  async request<Body = any>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<PulseResponse<Body>> {
    const headers: Record<string, string> = {};
    if (options.key !== undefined) {
      const token = Object.hasOwn(this.keys, options.key) ? this.keys[options.key as Role] : options.key;
      headers.authorization = `Bearer ${token}`;
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (an empty body, a plain-text error): the caller gets the text.
    }
    return { status: response.status, body: body as Body };
  }
}
