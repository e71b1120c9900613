import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processCpuMs } from './bench-support';

/**
 * The floor for a JSON GET on this machine: a node:http server in a child
 * process of its own (like Pulse) that answers every request with the same
 * prebuilt body, with keep-alive. No routing, no auth, no serialisation.
 */

export interface BareServer {
  readonly baseUrl: string;
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

const BARE_SERVER_SOURCE = `
const http = require('node:http');
const body = require('node:fs').readFileSync(process.env.BARE_BODY_FILE);
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 120000;
server.listen(0, '127.0.0.1', () => process.stdout.write('bare listening ' + server.address().port + '\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/** Starts the server with `body` (written to `dir`, which the caller removes). */
export async function startBareServer(body: Buffer, dir: string): Promise<BareServer> {
  const file = join(dir, 'bare-body.json');
  writeFileSync(file, body);
  const child: ChildProcess = spawn(process.execPath, ['-e', BARE_SERVER_SOURCE], {
    env: { ...process.env, BARE_BODY_FILE: file },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bare server did not start within 10 s: ${output}`));
    }, 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /bare listening (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bare server exited (${code}): ${output}`));
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    cpuMs: () => processCpuMs(child.pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
