import type { ModelRegistryState, ModelVersionState } from '../registry/model-registry.decider';
import type { TrainerIdentity } from '../registry/model.events';
import { abandonedReason, abandonedVersions } from './abandoned-training';

const self: TrainerIdentity = { host: 'shop-1', pid: 4242, run: 'run-now' };
const version = (n: number, status: ModelVersionState['status'], trainer?: TrainerIdentity): ModelVersionState => ({
  version: n,
  status,
  kind: 'gru4rec',
  params: {},
  untilPosition: '10',
  startedAt: '2026-01-01T00:00:00.000Z',
  ...(trainer && { trainer }),
});
const stateOf = (...versions: ModelVersionState[]): ModelRegistryState => ({
  name: 'shop',
  lastVersion: versions.length,
  versions,
  champion: undefined,
  championSince: undefined,
  previousChampions: [],
});
const alivePids = new Set([777]);
const isAlive = (pid: number) => alivePids.has(pid);

describe('abandonedVersions', () => {
  it('finds a version whose trainer on this host is gone', () => {
    const dead = version(1, 'training', { host: 'shop-1', pid: 555, run: 'run-before' });
    expect(abandonedVersions(stateOf(dead), self, isAlive)).toEqual([dead]);
    expect(abandonedReason(dead)).toBe('abandoned: its trainer (pid 555 on shop-1) ended before recording an outcome');
  });

  it('finds a version started by an earlier run of this process that reused its pid (a restarted container)', () => {
    const earlier = version(1, 'training', { host: 'shop-1', pid: 4242, run: 'run-before' });
    expect(abandonedVersions(stateOf(earlier), self, isAlive)).toEqual([earlier]);
  });

  it('leaves alone what may still be training: a live pid, this very run, another host, an unknown trainer', () => {
    const state = stateOf(
      version(1, 'training', { host: 'shop-1', pid: 777, run: 'cli' }), // e.g. `pulse models train` still running
      version(2, 'training', self),
      version(3, 'training', { host: 'shop-2', pid: 555, run: 'elsewhere' }),
      version(4, 'training'),
    );
    expect(abandonedVersions(state, self, isAlive)).toEqual([]);
  });

  it('only considers versions still training', () => {
    const gone = { host: 'shop-1', pid: 555, run: 'run-before' };
    const state = stateOf(version(1, 'trained', gone), version(2, 'failed', gone), version(3, 'training', gone));
    expect(abandonedVersions(state, self, isAlive).map((v) => v.version)).toEqual([3]);
  });
});
