import { performance } from 'node:perf_hooks';
import { MetricsAtK, metricValue, parseMetricKey } from './metrics';
import { timed } from './fit-timer';
import { scoreSplit } from './harness';
import type { EvaluationSplit } from './protocols';
import type { ParamGrid, Params, ParamValue, Recommender } from './recommender';

export interface TuningTrial {
  readonly params: Params;
  readonly metrics: MetricsAtK;
  readonly objective: number;
  readonly fitSeconds: number;
  readonly fitCpuSeconds: number;
  readonly scoreSeconds: number;
}

export interface TuningProgress {
  readonly trial: number;
  /** Planned trials (for coordinate search an upper bound). */
  readonly trials: number;
  readonly params: Params;
  readonly stage: 'fit' | 'score';
  readonly done: number;
  readonly total: number;
}

export interface GridSearchOptions {
  /** Makes an unfitted model from a full parameter set. */
  readonly create: (params: Params) => Recommender;
  /** A validation split (hyper-parameters are never chosen on test targets). */
  readonly split: EvaluationSplit;
  /** Values for every parameter not in the grid. */
  readonly base: Params;
  readonly grid: ParamGrid;
  /** Objective, e.g. "ndcg@10" (default). Higher is better. */
  readonly metric?: string;
  readonly ks?: readonly number[];
  /** Score at most this many validation cases per trial (seeded uniform subset). */
  readonly maxCases?: number;
  readonly seed?: number;
  /** 'grid': every combination. 'coordinate': one parameter at a time from `base`, repeated until no change. */
  readonly strategy?: 'grid' | 'coordinate';
  /** Keep the fitted model of the best trial (to reuse it when test shares the training data). */
  readonly keepBestModel?: boolean;
  readonly onProgress?: (progress: TuningProgress) => void;
}

export interface GridSearchResult {
  readonly best: Params;
  readonly bestObjective: number;
  readonly metric: string;
  readonly trials: readonly TuningTrial[];
  readonly seconds: number;
  /** The fitted best model, when keepBestModel was set. */
  readonly bestModel?: Recommender;
  readonly bestFitSeconds: number;
  readonly bestFitCpuSeconds: number;
}

/** All combinations of a grid, the first parameter varying slowest. */
export function gridCombinations(grid: ParamGrid): Params[] {
  let combos: Params[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    if (values.length === 0) throw new Error(`grid for "${key}" is empty`);
    const next: Params[] = [];
    for (const c of combos) for (const v of values) next.push({ ...c, [key]: v });
    combos = next;
  }
  return combos;
}

function keyOf(params: Params): string {
  return JSON.stringify(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  );
}

/**
 * Chooses hyper-parameters on a validation split. Each trial fits a fresh
 * model and scores the (possibly sub-sampled, same subset for every trial)
 * validation cases; ties keep the earlier trial.
 */
export async function gridSearch(options: GridSearchOptions): Promise<GridSearchResult> {
  const started = performance.now();
  const metric = options.metric ?? 'ndcg@10';
  const { k } = parseMetricKey(metric);
  const ks = options.ks ?? [5, 10, 20];
  const ksWithObjective = ks.includes(k) ? ks : [...ks, k].sort((a, b) => a - b);
  const strategy = options.strategy ?? 'grid';
  const trials: TuningTrial[] = [];
  const cache = new Map<string, TuningTrial>();
  let bestModel: Recommender | undefined;
  let best: TuningTrial | undefined;
  let bestFitSeconds = 0;
  let bestFitCpuSeconds = 0;
  const planned =
    strategy === 'grid'
      ? gridCombinations(options.grid).length
      : 1 + Object.values(options.grid).reduce((s, v) => s + v.length, 0);

  const run = async (params: Params): Promise<TuningTrial> => {
    const cached = cache.get(keyOf(params));
    if (cached) return cached;
    const trialNo = trials.length + 1;
    const model = options.create(params);
    const fitTime = await timed(() =>
      model.fit(options.split.train, {
        seed: options.seed,
        onProgress: (p) =>
          options.onProgress?.({
            trial: trialNo,
            trials: planned,
            params,
            stage: 'fit',
            done: Math.round(p.fraction * 1000),
            total: 1000,
          }),
      }),
    );
    const scored = scoreSplit(model, options.split, {
      ks: ksWithObjective,
      maxCases: options.maxCases,
      seed: options.seed,
      onProgress: (p) =>
        options.onProgress?.({ trial: trialNo, trials: planned, params, stage: 'score', ...p }),
    });
    const trial: TuningTrial = {
      params,
      metrics: scored.metrics,
      objective: metricValue(scored.metrics, metric),
      fitSeconds: fitTime.seconds,
      fitCpuSeconds: fitTime.cpuSeconds,
      scoreSeconds: scored.seconds,
    };
    trials.push(trial);
    cache.set(keyOf(params), trial);
    if (!best || trial.objective > best.objective) {
      best = trial;
      bestFitSeconds = fitTime.seconds;
      bestFitCpuSeconds = fitTime.cpuSeconds;
      if (options.keepBestModel) {
        bestModel?.dispose?.();
        bestModel = model;
      } else model.dispose?.();
    } else model.dispose?.();
    return trial;
  };

  if (strategy === 'grid') {
    for (const combo of gridCombinations(options.grid)) await run({ ...options.base, ...combo });
  } else {
    let current: Params = { ...options.base };
    let currentTrial = await run(current);
    for (let pass = 0; pass < 3; pass++) {
      let changed = false;
      for (const [key, values] of Object.entries(options.grid)) {
        for (const v of values as readonly ParamValue[]) {
          if (current[key] === v) continue;
          const t = await run({ ...current, [key]: v });
          if (t.objective > currentTrial.objective) {
            currentTrial = t;
            changed = true;
          }
        }
        current = { ...currentTrial.params };
      }
      if (!changed) break;
    }
  }
  if (!best) throw new Error('grid search ran no trials');
  return {
    best: best.params,
    bestObjective: best.objective,
    metric,
    trials,
    seconds: (performance.now() - started) / 1000,
    bestModel,
    bestFitSeconds,
    bestFitCpuSeconds,
  };
}
