import { DomainRuleViolation } from '@pulse/platform/domain/domain-rule-violation';
import { DeciderSpecification } from '@pulse/testing';
import {
  championOf,
  type ModelRegistryCommand,
  modelRegistryDecider,
} from './model-registry.decider';
import type { ModelEvent } from './model.events';

const spec = DeciderSpecification.for(modelRegistryDecider);
const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T01:00:00.000Z';
const HOUR = 3_600_000;

const started = (version: number, at = T0): ModelEvent => ({
  type: 'ModelTrainingStarted',
  data: { model: 'gru', version, kind: 'gru4rec', params: { epochs: 2 }, untilPosition: '41', startedAt: at },
});
const trained = (version: number, ndcg: number, metricName = 'ndcg@10'): ModelEvent => ({
  type: 'ModelTrained',
  data: {
    model: 'gru',
    version,
    metric: { name: metricName, value: ndcg },
    validation: { [metricName]: ndcg },
    validationCases: 100,
    dataPosition: '41',
    numItems: 50,
    numSequences: 120,
    artifact: { store: 'files', key: `gru/${version}` },
    trainingSeconds: 3.5,
    backend: 'wasm',
    trainedAt: T1,
  },
});
const promoted = (version: number, previousVersion?: number, forced = false, reason = ''): ModelEvent => ({
  type: 'ModelPromoted',
  data: {
    model: 'gru',
    version,
    ...(previousVersion !== undefined && { previousVersion }),
    forced,
    reason,
    promotedAt: T1,
  },
});
const startTraining: ModelRegistryCommand = {
  type: 'StartTraining',
  model: 'gru',
  kind: 'gru4rec',
  params: { epochs: 2 },
  untilPosition: '41',
  at: T1,
  staleAfterMs: 6 * HOUR,
};
const promote = (version: number, force = false): ModelRegistryCommand => ({ type: 'Promote', version, force, at: T1 });
const violation = (code: string, field?: string) => (e: DomainRuleViolation) =>
  e.code === code && (field === undefined || e.field === field);

describe('model registry decider', () => {
  describe('versions', () => {
    it('numbers the first training version 1', () => {
      spec.given([]).when(startTraining).then([{ ...started(1, T1) }]);
    });

    it('never reuses a number, not even a failed one', () => {
      spec
        .given([
          started(1),
          trained(1, 0.1),
          started(2),
          { type: 'ModelTrainingFailed', data: { model: 'gru', version: 2, error: 'boom', failedAt: T0 } },
        ])
        .when(startTraining)
        .then([started(3, T1)]);
    });

    it('refuses a second training while one is running, naming the running version', () => {
      spec
        .given([started(1, T1)])
        .when({ ...startTraining, at: '2026-01-01T01:30:00.000Z' })
        .thenThrows(DomainRuleViolation, (e) => violation('training_in_progress', 'name')(e) && /version 1/.test(e.message));
    });

    it('takes a training running for longer than staleAfterMs as abandoned', () => {
      spec
        .given([started(1, T0)])
        .when({ ...startTraining, at: '2026-01-01T07:00:00.000Z' })
        .then([started(2, '2026-01-01T07:00:00.000Z')]);
    });

    it('records which process trains a version, so a dead trainer can be told from a live one', () => {
      const trainer = { host: 'shop-1', pid: 4242, run: 'b7e1' };
      spec
        .given([])
        .when({ ...startTraining, trainer })
        .then([{ type: 'ModelTrainingStarted', data: { ...started(1, T1).data, trainer } } as ModelEvent]);
    });

    it('records a trained version once; a repeated report changes nothing', () => {
      const record: ModelRegistryCommand = {
        type: 'RecordTrained',
        version: 1,
        metric: { name: 'ndcg@10', value: 0.2 },
        validation: { 'ndcg@10': 0.2 },
        validationCases: 100,
        dataPosition: '41',
        numItems: 50,
        numSequences: 120,
        artifact: { store: 'files', key: 'gru/1' },
        trainingSeconds: 3.5,
        backend: 'wasm',
        at: T1,
      };
      spec.given([started(1)]).when(record).then([trained(1, 0.2)]);
      spec.given([started(1), trained(1, 0.2)]).when(record).thenNothing();
      spec.given([]).when(record).thenThrows(DomainRuleViolation, violation('version_not_found', 'version'));
    });

    it('refuses to mark a trained version failed', () => {
      spec
        .given([started(1), trained(1, 0.2)])
        .when({ type: 'RecordTrainingFailed', version: 1, error: 'late', at: T1 })
        .thenThrows(DomainRuleViolation, violation('not_training', 'version'));
    });
  });

  describe('promotion', () => {
    it('promotes the first trained version without a comparison', () => {
      spec.given([started(1), trained(1, 0.1)]).when(promote(1)).then([promoted(1, undefined, false, 'no serving version yet')]);
    });

    it('promotes a candidate that is not worse than the champion (equal counts as not worse)', () => {
      spec
        .given([started(1), trained(1, 0.2), promoted(1), started(2), trained(2, 0.2)])
        .when(promote(2))
        .then([promoted(2, 1, false, 'not worse: ndcg@10 0.2000 vs champion v1 0.2000')]);
    });

    it('refuses a worse candidate, naming the version and both metrics', () => {
      spec
        .given([started(1), trained(1, 0.3), promoted(1), started(2), trained(2, 0.25)])
        .when(promote(2))
        .thenThrows(
          DomainRuleViolation,
          (e) => violation('worse_than_champion', 'version')(e) && e.message.includes('0.2500 vs champion v1 0.3000'),
        );
    });

    it('promotes a worse candidate when an admin forces it, and records that it was forced', () => {
      spec
        .given([started(1), trained(1, 0.3), promoted(1), started(2), trained(2, 0.25)])
        .when(promote(2, true))
        .then([
          promoted(2, 1, true, 'forced by an admin despite a worse ndcg@10 0.2500 vs champion v1 0.3000'),
        ]);
    });

    it('refuses to compare different metrics unless forced', () => {
      const given = [started(1), trained(1, 0.3), promoted(1), started(2), trained(2, 0.9, 'mrr@10')];
      spec.given(given).when(promote(2)).thenThrows(DomainRuleViolation, violation('metric_mismatch', 'version'));
      spec.given(given).when(promote(2, true)).then([
        promoted(2, 1, true, 'forced by an admin: metrics differ (mrr@10 vs ndcg@10)'),
      ]);
    });

    it('refuses versions that are still training, failed or unknown', () => {
      spec.given([started(1)]).when(promote(1)).thenThrows(DomainRuleViolation, violation('not_trained', 'version'));
      spec.given([started(1)]).when(promote(1, true)).thenThrows(DomainRuleViolation, violation('not_trained'));
      spec.given([started(1), trained(1, 0.1)]).when(promote(7)).thenThrows(DomainRuleViolation, violation('version_not_found', 'version'));
    });

    it('does nothing when the version already serves', () => {
      spec.given([started(1), trained(1, 0.1), promoted(1)]).when(promote(1)).thenNothing();
    });
  });

  describe('rollback', () => {
    const history = [
      started(1), trained(1, 0.1), promoted(1),
      started(2), trained(2, 0.2), promoted(2, 1),
      started(3), trained(3, 0.3), promoted(3, 2),
    ];

    it('returns service to the previous champion', () => {
      spec.given(history).when({ type: 'Rollback', at: T1 }).then([
        { type: 'ModelRolledBack', data: { model: 'gru', fromVersion: 3, toVersion: 2, rolledBackAt: T1 } },
      ]);
    });

    it('is not thrown off by the learning loop\'s events in the same stream', () => {
      const increment = {
        type: 'ModelIncrementallyUpdated',
        data: { model: 'gru', version: 3, swapped: true },
      } as unknown as ModelEvent;
      spec.given([...history, increment]).when({ type: 'Rollback', at: T1 }).then([
        { type: 'ModelRolledBack', data: { model: 'gru', fromVersion: 3, toVersion: 2, rolledBackAt: T1 } },
      ]);
    });

    it('walks further back on a second rollback', () => {
      spec
        .given([...history, { type: 'ModelRolledBack', data: { model: 'gru', fromVersion: 3, toVersion: 2, rolledBackAt: T1 } }])
        .when({ type: 'Rollback', at: T1 })
        .then([{ type: 'ModelRolledBack', data: { model: 'gru', fromVersion: 2, toVersion: 1, rolledBackAt: T1 } }]);
    });

    it('refuses with no champion, or with no earlier one', () => {
      spec.given([]).when({ type: 'Rollback', at: T1 }).thenThrows(DomainRuleViolation, violation('nothing_to_roll_back', 'name'));
      spec
        .given([started(1), trained(1, 0.1), promoted(1)])
        .when({ type: 'Rollback', at: T1 })
        .thenThrows(DomainRuleViolation, violation('nothing_to_roll_back', 'name'));
    });

    it('after a rollback the metric rule compares with the restored champion', () => {
      const rolledBack = [...history, { type: 'ModelRolledBack', data: { model: 'gru', fromVersion: 3, toVersion: 2, rolledBackAt: T1 } } as ModelEvent];
      const state = rolledBack.reduce(modelRegistryDecider.evolve, modelRegistryDecider.initialState());
      expect(championOf(state)?.version).toBe(2);
      // v1 (0.1) is worse than the restored v2 (0.2); v3 (0.3) is better and may come back.
      spec.given(rolledBack).when(promote(1)).thenThrows(DomainRuleViolation, violation('worse_than_champion'));
      spec.given(rolledBack).when(promote(3)).then([promoted(3, 2, false, 'not worse: ndcg@10 0.3000 vs champion v2 0.2000')]);
    });
  });
});
