import { performance } from 'node:perf_hooks';
import {
  describeDataset,
  SequenceDataset,
  sequenceCount,
  totalLength,
} from '../datasets/sequence-dataset';
import { timed } from './fit-timer';
import { gridSearch, TuningTrial } from './grid-search';
import { LatencySummary, scoreSplit } from './harness';
import { DEFAULT_KS, MetricsAtK } from './metrics';
import { EvaluationProtocol, EvaluationSplit, getProtocol, ProtocolName } from './protocols';
import type { ModelContext, ModelSpec, ParamGrid, Params, Recommender } from './recommender';

export type ModelEntry = ModelSpec | { readonly spec: ModelSpec; readonly params?: Params };

export interface EvaluationProgress {
  readonly model: string;
  /** tune = validation trials, fit = training the final model, score = scoring test cases. */
  readonly stage: 'split' | 'tune' | 'fit' | 'score';
  readonly done: number;
  readonly total: number;
  /** e.g. "trial 3/8 k=100" */
  readonly detail?: string;
}

export interface RunEvaluationOptions {
  readonly dataset: SequenceDataset;
  readonly protocol: ProtocolName | EvaluationProtocol;
  /** Specs (defaults + tuning) or specs with fixed parameters (those are not tuned). */
  readonly models: readonly ModelEntry[];
  /** Cut-offs; default 5, 10, 20. */
  readonly k?: readonly number[];
  readonly seed?: number;
  /** Choose hyper-parameters on the validation split (default true). */
  readonly tune?: boolean;
  /** Tuning objective; default ndcg@10 (loo) or mrr@20 (session-prefix). */
  readonly tuningMetric?: string;
  /** Validation cases scored per tuning trial (seeded uniform subset); default 20000. */
  readonly maxValidationCases?: number;
  /** Score only a seeded subset of test cases (quick runs; reported). Default: all. */
  readonly maxTestCases?: number;
  readonly validationFraction?: number;
  readonly onProgress?: (progress: EvaluationProgress) => void;
  /** Called with each model's result as soon as it is ready. */
  readonly onResult?: (result: ModelEvaluation) => void;
}

export interface ModelEvaluation {
  readonly model: string;
  readonly description: string;
  readonly params: Params;
  readonly metrics: MetricsAtK;
  readonly cases: number;
  /** Fitting the model that produced the test numbers, s. */
  readonly trainSeconds: number;
  /** CPU time of that fit (fit-timer.ts), s: comparable across loads. */
  readonly trainCpuSeconds: number;
  readonly scoreLatency: LatencySummary;
  /** Scoring + ranking all test cases, s. */
  readonly scoreSeconds: number;
  /** Everything for this model: tuning, fitting, scoring, s. */
  readonly wallSeconds: number;
  readonly tuning?: {
    readonly metric: string;
    readonly validationCases: number;
    readonly seconds: number;
    readonly trials: readonly TuningTrial[];
  };
  readonly notes: readonly string[];
}

export interface EvaluationReport {
  readonly dataset: ReturnType<typeof describeDataset>;
  readonly protocol: ProtocolName;
  readonly seed: number;
  readonly ks: readonly number[];
  readonly testCases: number;
  readonly validationCases: number;
  readonly maxTestCases?: number;
  readonly startedAt: string;
  readonly wallSeconds: number;
  readonly results: readonly ModelEvaluation[];
}

export function modelContext(split: EvaluationSplit): ModelContext {
  const n = sequenceCount(split.train.sequences);
  const times = split.train.times;
  let lo = Infinity;
  let hi = -Infinity;
  if (times) {
    for (let i = 0; i < times.length; i++) {
      lo = Math.min(lo, times[i]);
      hi = Math.max(hi, times[i]);
    }
  }
  return {
    protocol: split.protocol,
    kind: split.train.kind,
    numItems: split.numItems,
    hasTimes: times !== undefined,
    timeSpan: times && times.length > 0 ? hi - lo : 0,
    averageSequenceLength: n === 0 ? 0 : totalLength(split.train.sequences) / n,
  };
}

function normalize(entry: ModelEntry): { spec: ModelSpec; fixed: Params } {
  return 'spec' in entry
    ? { spec: entry.spec, fixed: entry.params ?? {} }
    : { spec: entry, fixed: {} };
}

function withoutFixed(grid: ParamGrid, fixed: Params): ParamGrid {
  const out: Record<string, ParamGrid[string]> = {};
  for (const [k, v] of Object.entries(grid)) if (!(k in fixed) && v.length > 1) out[k] = v;
  return out;
}

function paramsLabel(params: Params): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/**
 * Runs the offline evaluation: for each model, optionally tune on the
 * validation split, fit on the test split's training data (reusing the tuned
 * model when both splits train on the same data), score every test case and
 * report expected HR/NDCG/MRR@k, training time and scoring latency.
 * Models run one after another; each is disposed before the next starts.
 */
export async function runEvaluation(options: RunEvaluationOptions): Promise<EvaluationReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const protocol =
    typeof options.protocol === 'string' ? getProtocol(options.protocol) : options.protocol;
  const seed = options.seed ?? 42;
  const ks = options.k ?? DEFAULT_KS;
  const tune = options.tune ?? true;
  const tuningMetric =
    options.tuningMetric ?? (protocol.name === 'session-prefix' ? 'mrr@20' : 'ndcg@10');
  const maxValidationCases = options.maxValidationCases ?? 20000;
  const splitOptions = { seed, validationFraction: options.validationFraction };
  const progress = options.onProgress;

  progress?.({ model: '-', stage: 'split', done: 0, total: 2, detail: 'building splits' });
  const testSplit = protocol.split(options.dataset, 'test', splitOptions);
  let validationSplit: EvaluationSplit | undefined;
  const getValidation = (): EvaluationSplit =>
    (validationSplit ??= protocol.split(options.dataset, 'validation', splitOptions));
  progress?.({ model: '-', stage: 'split', done: 2, total: 2 });

  const results: ModelEvaluation[] = [];
  for (const entry of options.models) {
    const { spec, fixed } = normalize(entry);
    const modelStarted = performance.now();
    const notes: string[] = [];
    const testContext = modelContext(testSplit);
    let params: Params = { ...spec.defaults(testContext), ...fixed };
    let tuning: ModelEvaluation['tuning'];
    let model: Recommender | undefined;
    let trainSeconds = 0;
    let trainCpuSeconds = 0;

    const grid =
      tune && spec.grid ? withoutFixed(spec.grid(modelContext(getValidation())), fixed) : {};
    if (Object.keys(grid).length > 0) {
      const validation = getValidation();
      const validationDefaults = { ...spec.defaults(modelContext(validation)), ...fixed };
      const reuse = validation.trainKey === testSplit.trainKey;
      const search = await gridSearch({
        create: (p) => spec.create(p),
        split: validation,
        base: validationDefaults,
        grid,
        metric: tuningMetric,
        ks,
        maxCases: maxValidationCases,
        seed,
        strategy: spec.search ?? 'grid',
        keepBestModel: reuse,
        onProgress: (p) =>
          progress?.({
            model: spec.name,
            stage: 'tune',
            done: p.done,
            total: p.total,
            detail: `trial ${p.trial}/${p.trials} ${p.stage} ${paramsLabel(withoutDefaults(p.params, grid))}`,
          }),
      });
      params = { ...params, ...pick(search.best, Object.keys(grid)) };
      tuning = {
        metric: search.metric,
        validationCases: Math.min(maxValidationCases, validation.cases.targets.length),
        seconds: search.seconds,
        trials: search.trials,
      };
      if (reuse && search.bestModel) {
        model = search.bestModel;
        trainSeconds = search.bestFitSeconds;
        trainCpuSeconds = search.bestFitCpuSeconds;
        notes.push('test scored with the validation-chosen model (same training data)');
      }
    }

    if (!model) {
      model = spec.create(params);
      const fitting = model;
      const fitTime = await timed(() =>
        fitting.fit(testSplit.train, {
          seed,
          onProgress: (p) =>
            progress?.({
              model: spec.name,
              stage: 'fit',
              done: Math.round(p.fraction * 1000),
              total: 1000,
              detail: p.message,
            }),
        }),
      );
      trainSeconds = fitTime.seconds;
      trainCpuSeconds = fitTime.cpuSeconds;
    }
    const scored = scoreSplit(model, testSplit, {
      ks,
      seed,
      maxCases: options.maxTestCases,
      onProgress: (p) =>
        progress?.({ model: spec.name, stage: 'score', done: p.done, total: p.total }),
    });
    if (model.notes) notes.push(...model.notes);
    model.dispose?.();
    const result: ModelEvaluation = {
      model: spec.name,
      description: spec.description,
      params,
      metrics: scored.metrics,
      cases: scored.cases,
      trainSeconds,
      trainCpuSeconds,
      scoreLatency: scored.latency,
      scoreSeconds: scored.seconds,
      wallSeconds: (performance.now() - modelStarted) / 1000,
      tuning,
      notes,
    };
    results.push(result);
    options.onResult?.(result);
  }

  return {
    dataset: describeDataset(options.dataset),
    protocol: protocol.name,
    seed,
    ks,
    testCases: testSplit.cases.targets.length,
    validationCases: validationSplit ? validationSplit.cases.targets.length : 0,
    maxTestCases: options.maxTestCases,
    startedAt,
    wallSeconds: (performance.now() - started) / 1000,
    results,
  };
}

function pick(params: Params, keys: readonly string[]): Params {
  const out: Params = {};
  for (const k of keys) if (k in params) out[k] = params[k];
  return out;
}

function withoutDefaults(params: Params, grid: ParamGrid): Params {
  return pick(params, Object.keys(grid));
}
