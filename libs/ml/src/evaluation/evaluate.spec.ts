import { ItemIndex, SequenceDataset, sequencesFromArrays } from '../datasets/sequence-dataset';
import { markovSpec, popularitySpec } from '../baselines/baseline-specs';
import { runEvaluation } from './evaluate';
import { gridCombinations, gridSearch } from './grid-search';
import { scoreSplit, selectCases } from './harness';
import { PROTOCOLS } from './protocols';
import type { ModelSpec, Params, Recommender, TrainingData } from './recommender';
import { renderMarkdown } from './report';

/**
 * 40 users walking a fixed cycle 0 -> 1 -> ... -> 9 -> 0 from different
 * starting points: a first-order Markov model is perfect here, popularity is not.
 */
function cycleDataset(name = 'cycle'): SequenceDataset {
  const items = ItemIndex.fromExternalIds(Array.from({ length: 10 }, (_, i) => `i${i}`));
  const users = Array.from({ length: 40 }, (_, u) =>
    Array.from({ length: 6 }, (_, t) => (u + t) % 10),
  );
  return { name, kind: 'users', items, sequences: sequencesFromArrays(users) };
}

/** A model whose quality is a parameter: 'oracle' scores the true successor first, 'noise' scores constant. */
class CycleModel implements Recommender {
  readonly name = 'cycle';
  fitted: TrainingData | undefined;
  fits = 0;
  constructor(private readonly mode: string) {}
  fit(train: TrainingData): void {
    this.fitted = train;
    this.fits++;
  }
  scoreAll(history: Int32Array, out: Float32Array): void {
    out.fill(0);
    if (this.mode === 'oracle') out[(history[history.length - 1] + 1) % out.length] = 1;
  }
}

const created: CycleModel[] = [];
const cycleSpec: ModelSpec = {
  name: 'cycle',
  description: 'test model',
  defaults: () => ({ mode: 'noise' }),
  grid: () => ({ mode: ['noise', 'oracle'] }),
  create: (p: Params) => {
    const m = new CycleModel(String(p.mode));
    created.push(m);
    return m;
  },
};

describe('harness', () => {
  it('scores a perfect model 1 and a constant one exactly by chance, with history items masked', () => {
    const split = PROTOCOLS['loo-full'].split(cycleDataset(), 'test');
    const oracle = new CycleModel('oracle');
    const perfect = scoreSplit(oracle, split);
    expect(perfect.metrics.hr[5]).toBe(1);
    expect(perfect.metrics.ndcg[10]).toBe(1);
    expect(perfect.cases).toBe(40);
    // constant scores: the target ties with 10 - 5 (history) - 1 = 4 unmasked items
    const noise = scoreSplit(new CycleModel('noise'), split);
    expect(noise.metrics.hr[5]).toBeCloseTo(1, 12);
    expect(noise.metrics.mrr[5]).toBeCloseTo((1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 5) / 5, 12);
    expect(noise.latency.medianMs).toBeGreaterThanOrEqual(0);
  });

  it('uses scoreBatch when a model has one', () => {
    const split = PROTOCOLS['loo-full'].split(cycleDataset(), 'test');
    const batches: number[] = [];
    const batched: Recommender = {
      name: 'batched',
      fit: () => undefined,
      scoreAll: () => {
        throw new Error('should batch');
      },
      scoreBatch: (histories, out) => {
        batches.push(histories.length);
        out.fill(0);
        histories.forEach((h, b) => (out[b * 10 + ((h[h.length - 1] + 1) % 10)] = 1));
      },
    };
    const r = scoreSplit(batched, split, { batchSize: 16 });
    expect(batches).toEqual([16, 16, 8]);
    expect(r.metrics.hr[5]).toBe(1);
  });

  it('subsamples cases reproducibly', () => {
    const a = selectCases(100, 10, 1);
    expect(a.length).toBe(10);
    expect(Array.from(a)).toEqual(Array.from(selectCases(100, 10, 1)));
    expect(Array.from(a)).toEqual([...a].sort((x, y) => x - y));
    expect(selectCases(5, undefined, 1).length).toBe(5);
  });
});

describe('grid search', () => {
  it('enumerates combinations', () => {
    expect(gridCombinations({ a: [1, 2], b: ['x', 'y'] })).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
    ]);
  });

  it('picks the better parameters on the validation split', async () => {
    const validation = PROTOCOLS['loo-full'].split(cycleDataset(), 'validation');
    for (const strategy of ['grid', 'coordinate'] as const) {
      const result = await gridSearch({
        create: (p) => new CycleModel(String(p.mode)),
        split: validation,
        base: { mode: 'noise' },
        grid: { mode: ['noise', 'oracle'] },
        strategy,
        keepBestModel: true,
      });
      expect(result.best).toEqual({ mode: 'oracle' });
      expect(result.bestObjective).toBe(1);
      expect(result.trials).toHaveLength(2);
      expect((result.bestModel as CycleModel).fitted).toBe(validation.train);
    }
  });
});

describe('runEvaluation', () => {
  it('tunes on validation, reuses the model when test trains on the same data, and reports', async () => {
    created.length = 0;
    const stages = new Set<string>();
    const report = await runEvaluation({
      dataset: cycleDataset('Beauty-like'),
      protocol: 'loo-full',
      models: [
        popularitySpec,
        markovSpec,
        cycleSpec,
        { spec: cycleSpec, params: { mode: 'noise' } },
      ],
      seed: 3,
      onProgress: (p) => stages.add(`${p.model}:${p.stage}`),
    });
    expect(report.results.map((r) => r.model)).toEqual(['popularity', 'markov', 'cycle', 'cycle']);
    const [pop, markov, tuned, fixed] = report.results;
    expect(markov.metrics.hr[5]).toBe(1); // the cycle is deterministic
    expect(pop.metrics.ndcg[5]).toBeLessThan(1); // all items tie: chance level
    expect(tuned.params).toEqual({ mode: 'oracle' });
    expect(tuned.tuning?.trials).toHaveLength(2);
    expect(tuned.notes).toContain(
      'test scored with the validation-chosen model (same training data)',
    );
    expect(fixed.params).toEqual({ mode: 'noise' });
    expect(fixed.tuning).toBeUndefined();
    // tuned: 2 trial models (the oracle one reused); fixed: 1 model
    expect(created).toHaveLength(3);
    expect(stages).toContain('cycle:tune');
    expect(stages).toContain('markov:score');
    expect(report.testCases).toBe(40);
    expect(report.validationCases).toBe(40);

    const md = renderMarkdown(report);
    expect(md).toMatch(/\| model \| HR@5 \| HR@10 \| HR@20 \| NDCG@5/);
    expect(md).toMatch(/\| \*\*markov\*\* \| 1\.0000 \|/);
    expect(md).toContain(
      '↳ _README measured: first-order Markov, popularity tie-break_ | — | 0.0668',
    );
    expect(md).toContain('_ICLRec (published)_ | 0.0500 | 0.0744 | 0.1058');
    expect(renderMarkdown(report, { anchors: null })).not.toContain('ICLRec');
  });

  it('refits on all training sessions for session-prefix test cases', async () => {
    const items = ItemIndex.fromExternalIds(['a', 'b', 'c']);
    const sessions = Array.from({ length: 20 }, () => [0, 1, 2]);
    const ds: SequenceDataset = {
      name: 'tiny-sessions',
      kind: 'sessions',
      items,
      sequences: sequencesFromArrays(sessions),
      times: Float64Array.from(sessions, (_, i) => i),
      heldOut: { prefixes: sequencesFromArrays([[0], [0, 1]]), targets: Int32Array.from([1, 2]) },
    };
    created.length = 0;
    const report = await runEvaluation({
      dataset: ds,
      protocol: 'session-prefix',
      models: [cycleSpec],
    });
    expect(report.results[0].metrics.hr[5]).toBe(1);
    expect(report.results[0].params).toEqual({ mode: 'oracle' });
    const final = created[created.length - 1];
    expect(final.fitted?.sequences.offsets.length).toBe(21); // all 20 sessions, not the 18 of validation
    expect(report.validationCases).toBe(4); // 2 latest sessions x 2 prefixes
  });
});
