import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describeEventStoreContract, take } from '@pulse/testing/contracts/event-store.contract';
import {
  InvalidAppendError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from './event-store.errors';
import type { EventToAppend } from './event-store.port';
import { SqliteEventStore } from './sqlite-event-store.adapter';

const dir = mkdtempSync(join(tmpdir(), 'pulse-event-store-'));
const tempFile = () => join(dir, `${randomUUID()}.sqlite`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeEventStoreContract('SQLite file', async () => new SqliteEventStore(tempFile()));
describeEventStoreContract('SQLite :memory:', async () => new SqliteEventStore(':memory:'));

const event = (data: Record<string, unknown> = {}, type = 'Tested'): EventToAppend => ({
  eventId: randomUUID(),
  type,
  data,
  metadata: {},
});

describe('SqliteEventStore', () => {
  const stores: SqliteEventStore[] = [];
  const open = (file: string, options = {}) => {
    const store = new SqliteEventStore(file, options);
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  it('another instance on the same file (another process) sees appends through its subscription', async () => {
    const file = tempFile();
    const writer = open(file);
    const reader = open(file, { pollIntervalMs: 20 });
    const subscription = reader.subscribeToAll();

    const first = [event({ n: 1 }), event({ n: 2 })];
    await writer.append('cart-1', first, 'no_stream');
    const caught = await take(subscription, 2);
    // Appended while the reader waits: only its poll can notice, the writer's notifier is not its own.
    const later = event({ n: 3 });
    await writer.append('cart-2', [later], 'no_stream');
    const [live] = await take(subscription, 1);

    expect([...caught, live].map((e) => e.eventId)).toEqual(
      [...first, later].map((e) => e.eventId),
    );
    expect((await reader.readStream('cart-2'))[0].eventId).toBe(later.eventId);
    await subscription.close();
  });

  it('two instances appending to one file keep revisions gapless and positions in commit order', async () => {
    const file = tempFile();
    const [a, b] = [open(file), open(file)];
    await a.append('shared', [event()], 'no_stream');
    await b.append('shared', [event()], 0n);
    await expect(a.append('shared', [event()], 0n)).rejects.toMatchObject({ actual: 1n });
    await a.append('shared', [event()], 1n);
    await b.append('other', [event()], 'no_stream');

    const fromB = await b.readAll();
    expect(fromB.map((e) => [e.streamId, e.revision])).toEqual([
      ['shared', 0n],
      ['shared', 1n],
      ['shared', 2n],
      ['other', 0n],
    ]);
    expect(fromB.map((e) => e.position)).toEqual([1n, 2n, 3n, 4n]);
    expect(await a.headPosition()).toBe(4n);
  });

  it('keeps its data across close and reopen', async () => {
    const file = tempFile();
    const first = open(file);
    const written = [event({ kept: true }), event({ kept: 'also' })];
    await first.append('durable', written, 'no_stream');
    const head = await first.headPosition();
    await first.close();

    const reopened = open(file);
    expect(await reopened.headPosition()).toBe(head);
    const read = await reopened.readStream('durable');
    expect(read.map((e) => [e.eventId, e.data])).toEqual(written.map((e) => [e.eventId, e.data]));
    const next = await reopened.append('durable', [event()], 1n);
    expect(next).toEqual({ nextRevision: 2n, position: head + 1n });
  });

  it('an acknowledged append survives SIGKILL of the process that made it', async () => {
    const file = tempFile();
    const acknowledged = await appendUntilKilled(file, 300);
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);

    const store = open(file);
    const log = await store.readAll();
    const positions = new Map(log.map((e) => [e.eventId, e.position]));
    const missing = acknowledged.filter((a) => positions.get(a.id) !== a.position);
    expect(missing).toEqual([]);
  }, 60_000);

  it('applies its idempotency rules to retries that do not match the original append', async () => {
    const store = open(':memory:');
    const batch = [event(), event()];
    const original = await store.append('idem', batch, 'any');
    await store.append('idem', [event()], 1n);

    // 'any' holds for every original write, so a retry with it always replays.
    expect(await store.append('idem', batch, 'any')).toEqual(original);
    // The original append at revision 0 would have failed with expected 5n: a conflict, not a replay.
    await expect(store.append('idem', batch, 5n)).rejects.toMatchObject({
      expected: 5n,
      actual: 2n,
    });
    await expect(store.append('idem', batch, 5n)).rejects.toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    // Append boundaries are not recorded (nor are they by EventStoreDB): a stored run replays.
    expect(await store.append('idem', [batch[1]], 0n)).toEqual(original);
    // Ids stored in another stream, new ids mixed with stored ones, or a changed order: a caller bug.
    await expect(store.append('elsewhere', batch, 'any')).rejects.toBeInstanceOf(
      InvalidAppendError,
    );
    await expect(store.append('idem', [event(), batch[1]], 'any')).rejects.toBeInstanceOf(
      InvalidAppendError,
    );
    await expect(store.append('idem', [batch[1], event()], 'any')).rejects.toBeInstanceOf(
      InvalidAppendError,
    );
    await expect(store.append('idem', [batch[1], batch[0]], 'any')).rejects.toBeInstanceOf(
      InvalidAppendError,
    );

    expect((await store.readStream('idem')).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
    await expect(store.readStream('elsewhere')).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('treats upper-case event ids as the same UUIDs', async () => {
    const store = open(':memory:');
    const e = event();
    const first = await store.append(
      'case',
      [{ ...e, eventId: e.eventId.toUpperCase() }],
      'no_stream',
    );
    expect(await store.append('case', [e], 'no_stream')).toEqual(first);
    expect((await store.readStream('case'))[0].eventId).toBe(e.eventId);
  });

  it('appendMany writes several streams in one transaction, all or nothing', async () => {
    const store = open(':memory:');
    await store.append('b', [event()], 'no_stream');
    const failing = store.appendMany([
      { streamId: 'a', events: [event()], expected: 'no_stream' },
      { streamId: 'b', events: [event()], expected: 'no_stream' },
    ]);
    await expect(failing).rejects.toMatchObject({ streamId: 'b', actual: 0n });
    await expect(store.readStream('a')).rejects.toBeInstanceOf(StreamNotFoundError);

    const results = await store.appendMany([
      { streamId: 'a', events: [event(), event()], expected: 'no_stream' },
      { streamId: 'b', events: [event()], expected: 0n },
      { streamId: 'a', events: [event()], expected: 1n },
    ]);
    expect(results).toEqual([
      { nextRevision: 1n, position: 3n },
      { nextRevision: 1n, position: 4n },
      { nextRevision: 2n, position: 5n },
    ]);
  });

  it('catches up across many pages and past events its filter skips', async () => {
    const store = open(tempFile(), { pageSize: 3 });
    for (let n = 0; n < 20; n++) {
      await store.append(n % 4 === 0 ? 'wanted' : 'noise', [event({ n })], 'any');
    }
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: ['wanted'] } });
    const caught = await take(subscription, 5);
    await store.append('noise', [event({ n: 20 })], 'any');
    await store.append('wanted', [event({ n: 21 })], 4n);
    const [live] = await take(subscription, 1);
    expect([...caught, live].map((e) => e.data.n)).toEqual([0, 4, 8, 12, 16, 21]);
  });

  it('ends its subscriptions when closed', async () => {
    const store = open(':memory:');
    const subscription = store.subscribeToAll();
    const pending = subscription[Symbol.asyncIterator]().next();
    await store.close();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
  });

  it('rejects an unknown synchronous mode at construction', () => {
    expect(() => new SqliteEventStore(':memory:', { synchronous: 'OFF' as 'FULL' })).toThrow(
      /synchronous/,
    );
  });
});

/**
 * Runs a child process that appends through SqliteEventStore and prints each
 * acknowledged append, kills it with SIGKILL mid-stream once `atLeast` are
 * acknowledged, and returns what it acknowledged.
 */
async function appendUntilKilled(
  file: string,
  atLeast: number,
): Promise<{ id: string; position: bigint }[]> {
  // The child loads the TypeScript adapter through a minimal SWC require hook.
  const script = `
    const Module = require('module');
    const swc = require('@swc/core');
    Module._extensions['.ts'] = (m, filename) => m._compile(swc.transformFileSync(filename, {
      swcrc: false, module: { type: 'commonjs' }, jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    }).code, filename);
    const { randomUUID } = require('crypto');
    const { SqliteEventStore } = require(${JSON.stringify(join(__dirname, 'sqlite-event-store.adapter.ts'))});
    const store = new SqliteEventStore(${JSON.stringify(file)});
    (async () => {
      for (let n = 0; ; n++) {
        const id = randomUUID();
        const result = await store.append('killed-' + (n % 3), [{ eventId: id, type: 'T', data: { n }, metadata: {} }], 'any');
        process.stdout.write(JSON.stringify({ id, position: String(result.position) }) + '\\n');
      }
    })();
  `;
  const child = spawn(process.execPath, ['-e', script], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );

  const acknowledged: { id: string; position: bigint }[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    const ack = JSON.parse(line) as { id: string; position: string };
    acknowledged.push({ id: ack.id, position: BigInt(ack.position) });
    if (acknowledged.length === atLeast) child.kill('SIGKILL');
  }
  const signal = await exited;
  if (signal !== 'SIGKILL') throw new Error(`The writer exited without being killed: ${stderr}`);
  return acknowledged;
}
