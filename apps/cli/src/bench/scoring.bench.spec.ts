import { EASE_DENSE_LIMIT, sequenceAt, sequenceCount } from '@pulse/ml';
import { findDeepModelSpec } from '@pulse/ml/models';
import {
  cheapFitParams,
  formatScoringReport,
  generateScoringData,
  runScoringBench,
  selectScoringModels,
  SYNTHETIC_SHAPE,
} from './scoring.bench';

describe('scoring bench: synthetic data', () => {
  const options = { items: 300, users: 200, histories: 40, seed: 7 };

  it('is deterministic for a seed and differs for another', () => {
    const a = generateScoringData(options);
    const b = generateScoringData(options);
    const c = generateScoringData({ ...options, seed: 8 });
    expect(Array.from(a.train.sequences.items)).toEqual(Array.from(b.train.sequences.items));
    expect(Array.from(a.train.sequences.offsets)).toEqual(Array.from(b.train.sequences.offsets));
    expect(a.histories.map((h) => Array.from(h))).toEqual(b.histories.map((h) => Array.from(h)));
    expect(Array.from(c.train.sequences.items)).not.toEqual(Array.from(a.train.sequences.items));
  });

  it('has the requested items and users, 5-30 items per user, held-out histories of 1-50', () => {
    const { train, histories } = generateScoringData(options);
    expect(train.numItems).toBe(300);
    expect(train.kind).toBe('users');
    expect(sequenceCount(train.sequences)).toBe(200);
    for (let u = 0; u < 200; u++) {
      const len = sequenceAt(train.sequences, u).length;
      expect(len).toBeGreaterThanOrEqual(SYNTHETIC_SHAPE.minLength);
      expect(len).toBeLessThanOrEqual(SYNTHETIC_SHAPE.maxLength);
    }
    const ids = [...train.sequences.items, ...histories.flatMap((h) => Array.from(h))];
    expect(Math.min(...ids)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...ids)).toBeLessThan(300);
    expect(new Set(train.sequences.items).size).toBeGreaterThan(150); // most of the catalogue is used
    expect(histories).toHaveLength(40);
    const lengths = histories.map((h) => h.length);
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(50);
    expect(new Set(lengths).size).toBeGreaterThan(5); // a spread of lengths, not one size
  });

  it('has a skewed popularity: the top item far above the median item', () => {
    const { train } = generateScoringData({ items: 2000, users: 2000, histories: 1, seed: 3 });
    const counts = new Float64Array(2000);
    for (const id of train.sequences.items) counts[id]++;
    const sorted = Array.from(counts).sort((x, y) => y - x);
    const median = sorted[1000];
    expect(median).toBeGreaterThan(0);
    expect(sorted[0]).toBeGreaterThan(10 * median);
  });

  it('has sequential structure: consecutive items are mostly neighbouring ids', () => {
    const { train } = generateScoringData(options);
    let near = 0;
    let pairs = 0;
    for (let u = 0; u < 200; u++) {
      const s = sequenceAt(train.sequences, u);
      for (let i = 1; i < s.length; i++, pairs++) {
        if (Math.floor(s[i] / 50) === Math.floor(s[i - 1] / 50)) near++;
      }
    }
    expect(near / pairs).toBeGreaterThan(0.6); // uniform ids would give ~1/6 at 300 items
  });
});

describe('scoring bench: model selection', () => {
  it('skips EASE in a group above the dense limit, with the reason, but not when named', () => {
    const above = selectScoringModels(['all'], EASE_DENSE_LIMIT + 1);
    expect(above.models.map((m) => m.spec.name)).not.toContain('ease');
    expect(above.skipped).toEqual([
      { model: 'ease', reason: expect.stringMatching(/dense 16001 x 16001/) },
    ]);
    expect(above.models.map((m) => m.spec.name)).toEqual(
      expect.arrayContaining(['popularity', 'markov', 'sasrec', 'two-tower']),
    );

    const named = selectScoringModels(['popularity', 'ease'], EASE_DENSE_LIMIT + 1);
    expect(named.models.map((m) => m.spec.name)).toEqual(['popularity', 'ease']);
    expect(named.skipped).toEqual([]);

    const atLimit = selectScoringModels(['baselines'], EASE_DENSE_LIMIT);
    expect(atLimit.models.map((m) => m.spec.name)).toContain('ease');
    expect(atLimit.skipped).toEqual([]);
  });

  it('expands groups in report order, drops duplicates and rejects unknown names', () => {
    const { models } = selectScoringModels(['sasrec', 'markov', 'Markov', 'deep'], 100);
    expect(models[0]!.spec.name).toBe('markov');
    expect(models[0]!.family).toBe('baseline');
    expect(models.filter((m) => m.spec.name === 'sasrec')).toHaveLength(1);
    expect(models.slice(1).every((m) => m.family === 'deep')).toBe(true);
    expect(() => selectScoringModels(['popularity', 'nope'], 100)).toThrow(/unknown model nope/);
  });

  it('fits deep models for one epoch without a holdout and leaves baselines alone', () => {
    const context = {
      protocol: 'loo-full',
      kind: 'users' as const,
      numItems: 20000,
      hasTimes: false,
      timeSpan: 0,
      averageSequenceLength: 17,
    };
    for (const name of ['sasrec', 'gru4rec', 'caser', 'mult-vae', 'two-tower']) {
      const { params, overridden } = cheapFitParams(findDeepModelSpec(name)!, context);
      expect({ name, ...params }).toMatchObject({
        name,
        epochs: 1,
        validationSequences: 0,
        patience: 0,
        progress: 'none',
      });
      expect(overridden).toHaveLength(4);
    }
    const markov = cheapFitParams(selectScoringModels(['markov'], 1).models[0]!.spec, context);
    expect(markov).toEqual({ params: { popularityTieBreak: true }, overridden: [] });
  });
});

describe('scoring bench: measurement', () => {
  it('returns a row per model with finite positive latencies over every history', async () => {
    const lines: string[] = [];
    const result = await runScoringBench(
      {
        items: 300,
        users: 200,
        models: ['popularity', 'markov', 'sasrec'],
        histories: 12,
        batch: 4,
        seed: 5,
      },
      (line) => lines.push(line),
    );
    expect(result.rows.map((r) => r.model)).toEqual(['popularity', 'markov', 'sasrec']);
    expect(result.failed).toEqual([]);
    expect(result.skipped).toEqual([]);
    for (const row of result.rows) {
      expect(row.single.histories).toBe(12);
      expect(row.batch.size).toBe(4);
      expect(row.batch.batches).toBeGreaterThanOrEqual(3);
      for (const v of [
        row.fitSeconds,
        row.single.p50Ms,
        row.single.p90Ms,
        row.single.meanMs,
        row.batch.p50Ms,
        row.batch.historiesPerSecond,
      ]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThan(0);
      }
      expect(row.single.p90Ms).toBeGreaterThanOrEqual(row.single.p50Ms);
      expect(Number.isFinite(row.single.cpuMsPerHistory)).toBe(true);
      expect(row.single.cpuMsPerHistory).toBeGreaterThanOrEqual(0);
    }
    const sasrec = result.rows[2]!;
    expect(sasrec.family).toBe('deep');
    expect(sasrec.params.epochs).toBe(1);
    expect(sasrec.batch.method).toBe('scoreBatch');
    expect(result.rows[0]!.batch.method).toBe('scoreAll loop');
    expect(['tensorflow', 'wasm', 'cpu']).toContain(result.backend);
    expect(result.loadAverageStart).toHaveLength(3);
    expect(result.data).toMatchObject({ items: 300, users: 200, heldOutHistories: 12 });

    const report = formatScoringReport(result);
    expect(report).toContain(
      '| model | fit s | scoreAll p50 ms | p90 ms | CPU ms/history | batch of 4 ms | histories/s |',
    );
    expect(report).toMatch(/\| sasrec \|/);
    expect(report).toContain('one epoch');
    expect(JSON.parse(JSON.stringify(result))).toMatchObject({ bench: 'scoring' });
  }, 60_000);
});
