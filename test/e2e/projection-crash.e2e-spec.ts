import { randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { itemEventDefinitions } from '@pulse/catalog/domain/item.events';
import { loadConfig } from '@pulse/platform/config/pulse-config';
import type {
  DocumentStore,
  StoredDocument,
} from '@pulse/platform/document-store/document-store.port';
import { SqliteDocumentStore } from '@pulse/platform/document-store/sqlite-document-store.adapter';
import { SqliteEventStore } from '@pulse/platform/event-store/sqlite-event-store.adapter';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import type { Projection } from '@pulse/platform/projections/projection';
import { ProjectionManager } from '@pulse/platform/projections/projection-manager';
import { checkpointName, physicalCollection } from '@pulse/platform/projections/projection-runner';
import { shopperEventDefinitions } from '@pulse/shoppers/domain/shopper.events';
import {
  catalogChangeRequest,
  EventStreamGenerator,
  SeededRandom,
  type WireEvent,
} from '@pulse/testing/synthetic/event-stream.generator';
import { pulseProjections } from '../../apps/api/src/projections';
import { makeTempDataDir, PulseProcess } from '@pulse/testing/pulse-process';

/**
 * Crash safety of the read side: while clients stream events (and catalog
 * changes), the service is SIGKILLed at random moments, 20+ times, and
 * restarted on the same data directory, so kills land in the middle of
 * projection batches and appends, and each restart first catches up on what
 * the previous run left unapplied (the test counts how many kills left a
 * projection behind the log head). Once the survivor has caught up, every read model it serves must equal,
 * document by document, a rebuild of the same log from scratch in a fresh
 * document store. `_position` is left out of the comparison: it is the
 * position of the batch that last wrote a document, which depends on batching.
 *
 * The service runs with small projection batches (more commits to interrupt)
 * and non-default half-lives; the rebuild uses the same half-lives but the
 * default batch size, so equality also shows the read models don't depend on
 * batch boundaries. Seeded: PULSE_E2E_SEED replays a run's workload (the kill
 * moments also depend on timing, so a replay is close, not identical).
 */

const SEED = Number(process.env.PULSE_E2E_SEED ?? randomInt(2 ** 31));
const KILL_CYCLES = 20;
const CLIENTS = 3;
const ITEMS = 60;
const SHOPPERS = 150;
/** Kill this long after the first answer of a cycle, so every cycle carries traffic. */
const KILL_AFTER_MS = [0, 400] as const;

/** Read-model settings the rebuild must share; the batch size it deliberately does not. */
const READ_MODEL_ENV = {
  PULSE_INTEREST_HALF_LIFE_HOURS: '30',
  PULSE_POPULARITY_HALF_LIFE_HOURS: '100',
  PULSE_TRENDING_SHORT_HALF_LIFE_HOURS: '4',
  PULSE_TRENDING_LONG_HALF_LIFE_HOURS: '50',
  PULSE_NEIGHBOURS: '8',
};
const SERVICE_ENV = { ...READ_MODEL_ENV, PULSE_PROJECTION_BATCH: '7' };

// ---- the workload ---------------------------------------------------------------------

type Request = { method: string; path: string; body?: unknown };

/** The shop's traffic: event batches with a catalog change now and then. */
function nextRequest(generator: EventStreamGenerator, random: SeededRandom): Request {
  if (random.chance(0.08)) return catalogChangeRequest(generator.nextCatalogChange());
  const events: WireEvent[] = generator.nextBatch(random.between(1, 25));
  return { method: 'POST', path: '/v1/events', body: { events } };
}

/**
 * What a well-formed request may answer. A catalog PATCH can meet a delisted
 * item (422) when the PUT that listed it again was cut off by a kill.
 */
function acceptable(request: Request, status: number): boolean {
  if (request.method === 'PATCH') return status === 200 || status === 422;
  return status === 200 || status === 201;
}

/**
 * One cycle: clients send until the service dies under them. A request that
 * got no answer is sent again (same event ids) in the next cycle, as a real
 * client would, so retries of half-stored batches are part of the load.
 */
async function streamUntilKilled(
  pulse: PulseProcess,
  pending: Request[],
  next: () => Request,
  killAfterMs: number,
  problems: string[],
): Promise<number> {
  let killed = false;
  let answered = 0;
  let firstAnswer!: () => void;
  const answering = new Promise<void>((resolve) => (firstAnswer = resolve));
  const client = async () => {
    while (!killed) {
      const request = pending.shift() ?? next();
      try {
        const response = await pulse.request(request.method, request.path, {
          key: 'ingest',
          body: request.body,
        });
        answered++;
        firstAnswer();
        if (!acceptable(request, response.status)) {
          problems.push(
            `${request.method} ${request.path} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`,
          );
        }
      } catch (error) {
        pending.push(request);
        if (killed) return;
        // The service died on its own: report it, and let the cycle end instead of spinning.
        problems.push(
          `${request.method} ${request.path} failed before the kill: ${(error as Error).message}`,
        );
        firstAnswer();
        return;
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, client);
  await answering;
  await new Promise((resolve) => setTimeout(resolve, killAfterMs));
  killed = true;
  await pulse.kill('SIGKILL');
  await Promise.all(clients);
  return answered;
}

/**
 * Straight from the files of the dead service: did the kill leave a
 * projection behind the log head, i.e. with events still to apply? That is
 * what makes the kill interesting for the read side.
 */
async function projectionsBehind(
  dataDir: string,
  projections: readonly Projection[],
): Promise<string[]> {
  const events = new SqliteEventStore(join(dataDir, 'events.db'));
  const docs = new SqliteDocumentStore(join(dataDir, 'read-models.db'));
  try {
    const head = await events.headPosition();
    const behind: string[] = [];
    for (const { name } of projections) {
      const version = (await docs.getServingVersion(name)) ?? 1;
      const checkpoint = (await docs.getCheckpoint(checkpointName(name, version))) ?? -1n;
      if (checkpoint < head) behind.push(name);
    }
    return behind;
  } finally {
    await docs.close();
    await events.close();
  }
}

/** Polls the admin listing until every projection has applied the log head. */
async function waitUntilCaughtUp(pulse: PulseProcess, timeoutMs = 30_000): Promise<bigint> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await pulse.request('GET', '/v1/admin/projections', { key: 'admin' });
    expect(status).toBe(200);
    const failed = body.projections.filter((p: { state: string }) => p.state === 'failed');
    if (failed.length > 0) throw new Error(`projections failed: ${JSON.stringify(failed)}`);
    if (body.projections.every((p: { checkpoint: string | null }) => p.checkpoint === body.head)) {
      return BigInt(body.head);
    }
    if (Date.now() > deadline)
      throw new Error(`projections not caught up after ${timeoutMs} ms: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// ---- the comparison --------------------------------------------------------------------

/** Rebuilds every projection from the service's log into a fresh document store, in process. */
async function rebuildFromLog(
  dataDir: string,
  head: bigint,
  projections: readonly Projection[],
  freshFile: string,
) {
  const events = new SqliteEventStore(join(dataDir, 'events.db'));
  const docs = new SqliteDocumentStore(freshFile);
  const registry = new EventRegistry()
    .registerAll(itemEventDefinitions)
    .registerAll(shopperEventDefinitions);
  const manager = new ProjectionManager(projections, events, docs, registry);
  try {
    await manager.start();
    const readModels = projections.flatMap((p) => p.readModels.map((rm) => rm.name));
    await manager.waitFor(head, readModels, 30_000);
  } finally {
    await manager.stop();
    await events.close();
  }
  return docs;
}

/** The top-level fields where two documents differ, each side shortened: readable in a failure. */
function fieldDifferences(
  served: Record<string, unknown>,
  rebuilt: Record<string, unknown>,
): string {
  const show = (value: unknown) =>
    value === undefined ? 'absent' : JSON.stringify(value).slice(0, 200);
  return [...new Set([...Object.keys(served), ...Object.keys(rebuilt)])]
    .filter((field) => !isDeepStrictEqual(served[field], rebuilt[field]))
    .map((field) => `${field}: served ${show(served[field])}, rebuilt ${show(rebuilt[field])}`)
    .join('; ');
}

/** Every document of one read model version, by id, without `_position`. */
async function documents(
  docs: DocumentStore,
  collection: string,
): Promise<Map<string, Record<string, unknown>>> {
  const all: StoredDocument[] = await docs.find(collection, {});
  return new Map(all.map(({ _position: _ignored, ...doc }) => [doc._id, doc]));
}

/** Differences between the served and the rebuilt read models, as readable lines. */
async function differences(
  served: DocumentStore,
  rebuilt: DocumentStore,
  projections: readonly Projection[],
  head: bigint,
) {
  const found: string[] = [];
  const counts: Record<string, number> = {};
  for (const projection of projections) {
    const servedVersion = await served.getServingVersion(projection.name);
    const rebuiltVersion = await rebuilt.getServingVersion(projection.name);
    if (servedVersion === null || rebuiltVersion === null) {
      found.push(
        `${projection.name}: no serving version (served ${servedVersion}, rebuilt ${rebuiltVersion})`,
      );
      continue;
    }
    const checkpoint = await served.getCheckpoint(checkpointName(projection.name, servedVersion));
    if (checkpoint !== head)
      found.push(`${projection.name}: served checkpoint ${checkpoint}, log head ${head}`);
    for (const { name } of projection.readModels) {
      const actual = await documents(served, physicalCollection(name, servedVersion));
      const expected = await documents(rebuilt, physicalCollection(name, rebuiltVersion));
      counts[name] = expected.size;
      for (const [id, doc] of expected) {
        if (!actual.has(id)) found.push(`${name}/${id}: missing from the served read model`);
        else if (!isDeepStrictEqual(actual.get(id), doc))
          found.push(`${name}/${id}: ${fieldDifferences(actual.get(id)!, doc)}`);
      }
      for (const id of actual.keys()) {
        if (!expected.has(id)) found.push(`${name}/${id}: served but absent from the rebuild`);
      }
    }
  }
  return { found, counts };
}

// ---- the test -----------------------------------------------------------------------------

describe(`read models after repeated crashes (PULSE_E2E_SEED=${SEED})`, () => {
  let pulse: PulseProcess | undefined;
  let dataDir: string | undefined;

  afterAll(async () => {
    await pulse?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it(`equal a rebuild from the log after ${KILL_CYCLES} SIGKILLs mid-projection`, async () => {
    console.log(`projection-crash seed: ${SEED} (replay with PULSE_E2E_SEED=${SEED})`);
    const random = new SeededRandom(SEED);
    const generator = new EventStreamGenerator({ seed: SEED, items: ITEMS, shoppers: SHOPPERS });
    const next = () => nextRequest(generator, random);
    const started = Date.now();
    dataDir = makeTempDataDir();
    pulse = await PulseProcess.start({ dataDir, env: SERVICE_ENV });
    const listed = await pulse.request('POST', '/v1/items/batch', {
      key: 'ingest',
      body: { items: generator.items },
    });
    expect(listed.status).toBe(200);

    const projections = pulseProjections(loadConfig(READ_MODEL_ENV));
    const problems: string[] = [];
    const pending: Request[] = [];
    let answered = 0;
    let killsWithProjectionsBehind = 0;
    for (let cycle = 0; cycle < KILL_CYCLES; cycle++) {
      answered += await streamUntilKilled(
        pulse,
        pending,
        next,
        random.between(...KILL_AFTER_MS),
        problems,
      );
      if ((await projectionsBehind(dataDir, projections)).length > 0) killsWithProjectionsBehind++;
      pulse = await PulseProcess.start({ dataDir, env: SERVICE_ENV });
    }
    // The survivor takes the unanswered requests and a little more, then must catch up.
    for (const request of [...pending.splice(0), next(), next()]) {
      const response = await pulse.request(request.method, request.path, {
        key: 'ingest',
        body: request.body,
      });
      if (!acceptable(request, response.status))
        problems.push(`${request.method} ${request.path} answered ${response.status}`);
    }
    const head = await waitUntilCaughtUp(pulse);
    await pulse.stop();
    console.log(
      `projection-crash: ${KILL_CYCLES} kills (${killsWithProjectionsBehind} with projections behind the log head), ` +
        `${answered} requests answered, log head ${head}, ${((Date.now() - started) / 1000).toFixed(1)} s of traffic and restarts`,
    );
    expect(problems.slice(0, 10)).toEqual([]);
    // The kills did hit projections with work in hand, not only idle ones.
    expect(killsWithProjectionsBehind).toBeGreaterThanOrEqual(KILL_CYCLES / 4);

    const rebuilt = await rebuildFromLog(
      dataDir,
      head,
      projections,
      join(dataDir, 'rebuilt-read-models.db'),
    );
    const served = new SqliteDocumentStore(join(dataDir, 'read-models.db'));
    try {
      const { found, counts } = await differences(served, rebuilt, projections, head);
      console.log(`projection-crash: compared ${JSON.stringify(counts)}`);
      expect(found.slice(0, 5)).toEqual([]);
      // Not vacuous: the log reached every kind of read model.
      expect(counts.catalog_items).toBe(ITEMS);
      expect(counts.shopper_profiles).toBeGreaterThan(SHOPPERS / 3);
      expect(counts.item_statistics).toBeGreaterThan(ITEMS / 2);
    } finally {
      await served.close();
      await rebuilt.close();
    }
  }, 120_000);
});
