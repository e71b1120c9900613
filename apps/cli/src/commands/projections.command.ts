import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { adminConnection, adminRequest } from '../admin/admin-client';

interface Listing {
  head: string;
  projections: {
    name: string;
    version: number;
    role: 'serving' | 'rebuilding';
    state: string;
    checkpoint: string | null;
    lagEvents: number | null;
    lagMs: number;
    eventsPerSecond: number;
    failure?: { position: string; eventType: string; error: string };
  }[];
}

/** `pulse projections list|rebuild|pause|resume`: the admin endpoints, from a terminal. */
export function registerProjectionsCommand(program: Command): void {
  const projections = program
    .command('projections')
    .description('inspect and rebuild read-model projections of a running Pulse')
    .option('--url <url>', 'Pulse base URL (default $PULSE_URL or http://localhost:3000)')
    .option('--key <key>', 'admin API key (default $PULSE_ADMIN_KEY or ./data/api-keys.json)');

  projections
    .command('list')
    .description('every projection with version, state, checkpoint and lag')
    .option('--json', 'print the listing as JSON')
    .action(async (options: { json?: boolean }) => {
      const listing = await adminRequest<Listing>(adminConnection(projections.opts()), 'GET', '/v1/admin/projections');
      if (options.json) return void process.stdout.write(`${JSON.stringify(listing)}\n`);
      process.stdout.write(`log head: ${listing.head}\n`);
      process.stdout.write(
        table(
          ['name', 'version', 'role', 'state', 'checkpoint', 'lag events', 'lag ms', 'events/s'],
          listing.projections.map((p) => [
            p.name, `v${p.version}`, p.role, p.state, p.checkpoint ?? '-', p.lagEvents ?? '?', p.lagMs, p.eventsPerSecond,
          ]),
        ),
      );
      for (const p of listing.projections.filter((p) => p.failure)) {
        process.stdout.write(`\n${p.name} failed at position ${p.failure!.position} (${p.failure!.eventType}): ${p.failure!.error}\n`);
      }
    });

  projections
    .command('rebuild <name>')
    .description('rebuild a projection from the start of the log (blue/green) and follow its progress')
    .option('--no-wait', 'start the rebuild and return')
    .action(async (name: string, options: { wait: boolean }) => {
      const connection = adminConnection(projections.opts());
      const started = await adminRequest<{ version: number }>(connection, 'POST', `/v1/admin/projections/${encodeURIComponent(name)}/rebuild`);
      process.stderr.write(`rebuilding ${name} into v${started.version}\n`);
      if (!options.wait) return;
      await followRebuild(connection, name, started.version);
    });

  for (const action of ['pause', 'resume'] as const) {
    projections
      .command(`${action} <name>`)
      .description(`${action} a projection`)
      .action(async (name: string) => {
        const result = await adminRequest<Listing>(adminConnection(projections.opts()), 'POST', `/v1/admin/projections/${encodeURIComponent(name)}/${action}`);
        for (const p of result.projections) process.stdout.write(`${p.name} v${p.version}: ${p.state}\n`);
      });
  }
}

async function followRebuild(connection: ReturnType<typeof adminConnection>, name: string, version: number): Promise<void> {
  const bar = new SingleBar({
    format: `${name} v${version} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s`,
    stream: process.stderr,
  });
  bar.start(1, 0, { rate: 0 });
  try {
    for (;;) {
      const listing = await adminRequest<Listing>(connection, 'GET', '/v1/admin/projections');
      const rows = listing.projections.filter((p) => p.name === name);
      const next = rows.find((p) => p.version === version);
      if (!next) throw new Error(`v${version} of ${name} disappeared (another rebuild started?)`);
      if (next.state === 'failed') throw new Error(`rebuild failed at position ${next.failure?.position}: ${next.failure?.error}`);
      const head = Number(listing.head);
      const done = next.checkpoint === null ? 0 : Number(next.checkpoint);
      bar.setTotal(Math.max(head, 1));
      bar.update(Math.min(done, head), { rate: next.eventsPerSecond });
      if (next.role === 'serving' && rows.length === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    bar.stop();
  }
  process.stderr.write(`${name} now serves from v${version}\n`);
}

function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n') + '\n';
}
