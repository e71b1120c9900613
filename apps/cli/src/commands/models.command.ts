import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '@pulse/platform/actors/event-sourced-binding';
import { loadConfig } from '@pulse/platform/config/pulse-config';
import { DomainRuleViolation } from '@pulse/platform/domain/domain-rule-violation';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import type { EventStore } from '@pulse/platform/event-store/event-store.port';
import { KurrentDbEventStore } from '@pulse/platform/event-store/kurrentdb-event-store.adapter';
import { SqliteEventStore } from '@pulse/platform/event-store/sqlite-event-store.adapter';
import { openModelArtifactStore } from '@pulse/models/registry/model-artifact-store.factory';
import { ModelRegistry } from '@pulse/models/registry/model-registry';
import { type ModelListing, modelListing } from '@pulse/models/registry/model-registry.view';
import { ModelTrainingService } from '@pulse/models/training/model-training.service';
import { InlineTrainingRunner } from '@pulse/models/training/training-runner';
import { wholeNumber } from './cli-arguments';

/**
 * `pulse models list|train|promote|rollback`: works on the stores directly
 * (the same environment as the server: PULSE_DATA_DIR, EVENTSTORE_URL,
 * MONGODB_URI), so it needs no running server; a running Pulse follows the
 * `model-<name>` streams and swaps the serving version by itself. Training
 * runs in this CLI process, which is already separate from the server.
 */
export function registerModelsCommand(program: Command): void {
  const models = program.command('models').description('the model registry: versions, training, promotion, rollback');

  models
    .command('list')
    .description('every model with its serving version and every version with its validation metric')
    .option('--json', 'print the listing as JSON')
    .action((options: { json?: boolean }) =>
      withStores(async ({ registry }) => {
        const listings = await Promise.all((await registry.names()).map(async (name) => modelListing(name, await registry.state(name))));
        if (options.json) return void process.stdout.write(`${JSON.stringify({ models: listings })}\n`);
        if (listings.length === 0) return void process.stdout.write('no models yet: pulse models train <name> --kind <kind>\n');
        for (const listing of listings) process.stdout.write(render(listing));
      }),
    );

  models
    .command('train <name>')
    .description('train a new version on the log up to now (or --until)')
    .option('--kind <kind>', 'architecture or baseline (default: the model\'s previous kind, or the name)')
    .option('--set <param=value>', 'parameter override, repeatable', collect, [] as string[])
    .option('--until <position>', 'train on the log up to this position')
    .option('--promote', 'promote it if it is not worse than the serving champion')
    .option('--seed <n>', 'random seed', wholeNumber('--seed', 0), 42)
    .action((name: string, options: { kind?: string; set: string[]; until?: string; promote?: boolean; seed: number }) =>
      withStores(async ({ registry, events, artifacts }) => {
        const service = new ModelTrainingService(registry, events, new InlineTrainingRunner(events, artifacts), (m) => process.stderr.write(`${m}\n`));
        const started = await service.start(
          name,
          {
            ...(options.kind !== undefined && { kind: options.kind }),
            params: parseParams(options.set),
            ...(options.until !== undefined && { untilPosition: parsePosition(options.until) }),
            autoPromote: options.promote ?? false,
            seed: options.seed,
          },
          cliContext(),
        );
        process.stderr.write(`training ${name}@${started.version} (${started.kind}) on the log up to ${started.untilPosition}\n`);
        const report = await started.done;
        if (report.status === 'failed') throw new Error(`${name}@${report.version} failed: ${report.error}`);
        const o = report.outcome!;
        process.stdout.write(
          `${name}@${report.version}: ${o.metric.name} ${o.metric.value.toFixed(4)} on ${o.validationCases} validation cases, ` +
            `${o.numItems} items, ${o.trainingSeconds.toFixed(1)} s on ${o.backend}` +
            (report.promoted === undefined ? '' : report.promoted ? `; promoted (${report.promotion})` : `; not promoted: ${report.promotion}`) +
            '\n',
        );
      }),
    );

  models
    .command('promote <name> <version>')
    .description('make a trained version serve (refused if worse than the champion, unless --force)')
    .option('--force', 'promote even if its validation metric is worse (recorded as forced)')
    .action((name: string, version: string, options: { force?: boolean }) =>
      withStores(async ({ registry }) => {
        const v = Number(version);
        if (!Number.isInteger(v) || v < 1) throw new Error(`version: must be a whole number >= 1, got ${version}`);
        const outcome = await registry.execute(name, { type: 'Promote', version: v, force: options.force ?? false, at: new Date().toISOString() }, cliContext());
        const event = outcome.events[0];
        process.stdout.write(
          event?.type === 'ModelPromoted'
            ? `${name}@${v} now serves${event.data.forced ? ' (forced)' : ''}: ${event.data.reason}\n`
            : `${name}@${v} already serves\n`,
        );
      }),
    );

  models
    .command('rollback <name>')
    .description('return service to the previous champion')
    .action((name: string) =>
      withStores(async ({ registry }) => {
        const outcome = await registry.execute(name, { type: 'Rollback', at: new Date().toISOString() }, cliContext());
        const event = outcome.events[0];
        if (event?.type === 'ModelRolledBack') {
          process.stdout.write(`${name}: version ${event.data.fromVersion} out, version ${event.data.toVersion} serves again\n`);
        }
      }),
    );
}

interface Stores {
  readonly events: EventStore;
  readonly registry: ModelRegistry;
  readonly artifacts: Awaited<ReturnType<typeof openModelArtifactStore>>;
}

async function withStores(action: (stores: Stores) => Promise<void>): Promise<void> {
  const config = loadConfig(process.env);
  const events: EventStore = config.EVENTSTORE_URL
    ? new KurrentDbEventStore(config.EVENTSTORE_URL)
    : new SqliteEventStore(join(resolve(config.PULSE_DATA_DIR), 'events.db'));
  const artifacts = await openModelArtifactStore(config);
  try {
    await action({ events, registry: new ModelRegistry(events, new EventRegistry()), artifacts });
  } catch (error) {
    // The registry's refusals name the field; say it the way the HTTP API does.
    if (error instanceof DomainRuleViolation) throw new Error(error.field ? `${error.field}: ${error.message}` : error.message);
    throw error;
  } finally {
    await Promise.allSettled([events.close(), artifacts.close()]);
  }
}

const cliContext = (): CommandContext => {
  const id = `cli-${randomUUID()}`;
  return { correlationId: id, causationId: id, receivedAt: new Date().toISOString() };
};

const collect = (value: string, previous: string[]) => [...previous, value];

function parseParams(pairs: readonly string[]): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--set: expected name=value, got '${pair}'`);
    const raw = pair.slice(at + 1);
    out[pair.slice(0, at)] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}

function parsePosition(value: string): bigint {
  if (!/^\d+$/.test(value)) throw new Error(`--until: must be a decimal log position, got '${value}'`);
  return BigInt(value);
}

function render(listing: ModelListing): string {
  const lines = [
    `${listing.name} (${listing.kind ?? '?'}): serving ${listing.championVersion !== undefined ? `version ${listing.championVersion} since ${listing.championSince}` : 'nothing'}`,
  ];
  for (const v of listing.versions) {
    const metric = v.metric ? `${v.metric.name} ${v.metric.value.toFixed(4)} (${v.validationCases} cases)` : '';
    const facts = v.status === 'trained' ? `${metric}, ${v.numItems} items, ${v.trainingSeconds?.toFixed(1)} s on ${v.backend}, data to ${v.untilPosition}` : v.status === 'failed' ? `failed: ${v.error}` : `training since ${v.startedAt}`;
    lines.push(`  ${v.version === listing.championVersion ? '*' : ' '} v${v.version} ${v.kind.padEnd(10)} ${facts}`);
  }
  return `${lines.join('\n')}\n`;
}
