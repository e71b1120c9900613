import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainRuleViolation } from '@pulse/platform/domain/domain-rule-violation';
import { EventRegistry } from '@pulse/platform/events/event-registry';
import { SqliteEventStore } from '@pulse/platform/event-store/sqlite-event-store.adapter';
import { ModelRegistry } from '../registry/model-registry';
import type { TrainerIdentity } from '../registry/model.events';
import { processIsAlive } from './abandoned-training';
import { ModelTrainingService } from './model-training.service';
import type { TrainingRunner } from './training-runner';

/**
 * Given a version left 'training' by a trainer process, when this process
 * trains the model (or starts up), then a dead trainer's version is recorded
 * as failed and no longer blocks, while a live trainer's still does.
 */

const context = { correlationId: 'test', causationId: 'test', receivedAt: new Date().toISOString() };
/** The job itself is beside the point here: it fails at once and is recorded so. */
const failingRunner: TrainingRunner = { run: async () => Promise.reject(new Error('no data in this test')) };

describe('abandoned training (SQLite event store)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let registry: ModelRegistry;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-abandoned-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    registry = new ModelRegistry(store, new EventRegistry());
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const startedBy = (trainer: TrainerIdentity) =>
    registry.execute(
      'shop',
      { type: 'StartTraining', model: 'shop', kind: 'popularity', params: {}, untilPosition: '0', at: new Date().toISOString(), staleAfterMs: 6 * 3_600_000, trainer },
      context,
    );
  const service = () => new ModelTrainingService(registry, store, failingRunner);

  it('knows a live process from an exited one', () => {
    expect(processIsAlive(process.pid)).toBe(true);
    const exited = spawnSync(process.execPath, ['-e', '']).pid!;
    expect(processIsAlive(exited)).toBe(false);
  });

  it('records a dead trainer\'s version as failed when the model is trained next, and trains', async () => {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    await startedBy({ host: hostname(), pid: deadPid, run: 'crashed-run' });

    const started = await service().start('shop', { kind: 'popularity' }, context);
    expect(started.version).toBe(2);
    await started.done;
    const [first] = (await registry.state('shop')).versions;
    expect(first).toMatchObject({ version: 1, status: 'failed' });
    expect(first!.error).toBe(`abandoned: its trainer (pid ${deadPid} on ${hostname()}) ended before recording an outcome`);
  });

  it('still refuses to start while a live trainer holds the model', async () => {
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await startedBy({ host: hostname(), pid: live.pid!, run: 'cli-run' });
      await expect(service().start('shop', { kind: 'popularity' }, context)).rejects.toThrow(DomainRuleViolation);
      expect((await registry.state('shop')).versions.map((v) => v.status)).toEqual(['training']);
    } finally {
      live.kill();
    }
  });

  it('recoverAbandoned sweeps every model once at start-up', async () => {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    await startedBy({ host: hostname(), pid: deadPid, run: 'crashed-run' });
    const recovering = service();
    expect(await recovering.recoverAbandoned(context)).toEqual(['shop@1']);
    expect(await recovering.recoverAbandoned(context)).toEqual([]);
    expect((await registry.state('shop')).versions[0]).toMatchObject({ status: 'failed', trainer: { pid: deadPid } });
  });
});
