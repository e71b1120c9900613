import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  BASELINE_SPECS,
  deriveSeed,
  EASE_DENSE_LIMIT,
  EASE_RESTRICTED_ITEMS,
  type ModelContext,
  type ModelSpec,
  type Params,
  type Recommender,
  SeededRandom,
  sequencesFromArrays,
  type TrainingData,
} from '@pulse/ml';
import { DEEP_MODEL_SPECS } from '@pulse/ml/models';
import { initTf } from '@pulse/ml/runtime/tf-runtime';
import { percentile, progress } from './bench-support';

/**
 * `pulse bench scoring`: what one scoring call of every recommendation model
 * costs at a given catalogue size, on a synthetic data set made in memory
 * (no service, no files). Each model is fitted as cheaply as honestly
 * possible (deep models: one epoch, no early-stopping holdout; the cost of a
 * forward pass does not depend on how good the weights are), then:
 *
 * - single-history latency: `scoreAll` on held-out histories one at a time,
 *   after a few warm-up calls (median and p90 wall ms, process CPU ms per history);
 * - batch throughput: `scoreBatch` on batches of `batch` histories (or
 *   `scoreAll` in a loop for models without it), median ms per batch.
 */

// ---- synthetic data -------------------------------------------------------------

/** Shape of the synthetic shop; the defaults are what the bench uses. */
export interface SyntheticShape {
  /** Items per user in the training data, uniform in [minLength, maxLength]. */
  readonly minLength: number;
  readonly maxLength: number;
  /** Items per "category": a block of neighbouring ids users browse within. */
  readonly categorySize: number;
  /** Popularity of the item of popularity rank r is proportional to 1 / (r + 1)^zipfExponent. */
  readonly zipfExponent: number;
  /** Per step: probability of moving to a neighbouring id (1-3 away) in the same category. */
  readonly neighbourStep: number;
  /** Per step: probability of a popularity-weighted item of the same category (the rest: jump anywhere). */
  readonly categoryStep: number;
  /** Mean extra length of a held-out history beyond 1 (geometric), capped at maxHistory. */
  readonly historyMeanExtra: number;
  readonly maxHistory: number;
}

export const SYNTHETIC_SHAPE: SyntheticShape = {
  minLength: 5,
  maxLength: 30,
  categorySize: 50,
  zipfExponent: 1,
  neighbourStep: 0.45,
  categoryStep: 0.35,
  historyMeanExtra: 9,
  maxHistory: 50,
};

/**
 * Random walks over the catalogue: Zipf popularity (ranks shuffled over the
 * ids, so popular items are spread over the categories), categories of
 * neighbouring ids; a walk mostly stays in its category (a neighbour, or a
 * popular item of it) and sometimes jumps to a popular item anywhere, so a
 * user passes through a few categories.
 */
class CatalogueWalker {
  /** cumulative[i] = total popularity of ids 0..i-1 (id order, so a category is a contiguous range). */
  private readonly cumulative: Float64Array;

  constructor(
    readonly items: number,
    private readonly shape: SyntheticShape,
    seed: number,
  ) {
    const rank = new SeededRandom(deriveSeed(seed, 'scoring/popularity')).shuffle(
      Int32Array.from({ length: items }, (_, i) => i),
    );
    this.cumulative = new Float64Array(items + 1);
    for (let id = 0; id < items; id++) {
      this.cumulative[id + 1] =
        this.cumulative[id] + 1 / Math.pow(rank[id] + 1, shape.zipfExponent);
    }
  }

  /** Popularity-weighted id in [lo, hi). */
  private sample(lo: number, hi: number, rng: SeededRandom): number {
    const c = this.cumulative;
    const u = c[lo] + rng.next() * (c[hi] - c[lo]);
    let a = lo;
    let b = hi - 1;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (c[mid + 1] > u) b = mid;
      else a = mid + 1;
    }
    return a;
  }

  private next(current: number, rng: SeededRandom): number {
    const size = this.shape.categorySize;
    const lo = Math.floor(current / size) * size;
    const hi = Math.min(this.items, lo + size);
    const roll = rng.next();
    if (roll < this.shape.neighbourStep) {
      const step = (1 + rng.nextInt(3)) * (rng.next() < 0.5 ? -1 : 1);
      let id = current + step;
      if (id < lo || id >= hi) id = current - step; // reflect at the category's edge
      return id >= lo && id < hi ? id : current;
    }
    if (roll < this.shape.neighbourStep + this.shape.categoryStep) return this.sample(lo, hi, rng);
    return this.sample(0, this.items, rng);
  }

  walk(length: number, rng: SeededRandom): Int32Array {
    const out = new Int32Array(length);
    let current = this.sample(0, this.items, rng);
    for (let i = 0; i < length; i++) {
      if (i > 0) current = this.next(current, rng);
      out[i] = current;
    }
    return out;
  }
}

export interface SyntheticData {
  readonly train: TrainingData;
  /** Histories of other users (not in `train`), lengths 1..maxHistory, mostly short. */
  readonly histories: readonly Int32Array[];
}

/** The training set and `histories` held-out histories, deterministic for (items, users, seed). */
export function generateScoringData(
  options: {
    readonly items: number;
    readonly users: number;
    readonly histories: number;
    readonly seed: number;
  },
  shape: SyntheticShape = SYNTHETIC_SHAPE,
): SyntheticData {
  const { items, users, histories, seed } = options;
  for (const [name, v] of Object.entries({ items, users, histories })) {
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  const walker = new CatalogueWalker(items, shape, seed);
  const rng = new SeededRandom(deriveSeed(seed, 'scoring/users'));
  const span = shape.maxLength - shape.minLength + 1;
  const sequences = Array.from({ length: users }, () =>
    walker.walk(shape.minLength + rng.nextInt(span), rng),
  );
  const heldRng = new SeededRandom(deriveSeed(seed, 'scoring/held-out'));
  const held = Array.from({ length: histories }, () => {
    const extra = Math.floor(-Math.log(1 - heldRng.next()) * shape.historyMeanExtra);
    return walker.walk(Math.min(shape.maxHistory, 1 + extra), heldRng);
  });
  return {
    train: { numItems: items, sequences: sequencesFromArrays(sequences), kind: 'users' },
    histories: held,
  };
}

// ---- which models, fitted how -----------------------------------------------------

export type ModelFamily = 'baseline' | 'deep';

export interface ScoringModel {
  readonly spec: ModelSpec;
  readonly family: ModelFamily;
}

export interface SkippedModel {
  readonly model: string;
  readonly reason: string;
}

const familyOf = (spec: ModelSpec): ModelFamily =>
  BASELINE_SPECS.includes(spec) ? 'baseline' : 'deep';
// Read at call time, as the evaluate command does.
const allSpecs = (): ModelSpec[] => [...BASELINE_SPECS, ...DEEP_MODEL_SPECS];
const MODEL_GROUPS: Record<string, () => readonly ModelSpec[]> = {
  all: allSpecs,
  baselines: () => BASELINE_SPECS,
  deep: () => DEEP_MODEL_SPECS,
};

export const scoringModelNames = (): string[] => allSpecs().map((s) => s.name);

/**
 * Resolves `--models` (names and the groups all, baselines, deep) to specs in
 * report order. EASE is left out of a group above `easeLimit` items (its fit
 * inverts a dense items x items Float64 matrix) unless named on its own.
 */
export function selectScoringModels(
  requested: readonly string[],
  items: number,
  easeLimit: number = EASE_DENSE_LIMIT,
): { models: ScoringModel[]; skipped: SkippedModel[] } {
  const names = requested.map((n) => n.trim().toLowerCase()).filter((n) => n.length > 0);
  if (names.length === 0)
    throw new Error('no model given; expected all, baselines, deep or a model name');
  const wanted = new Set<string>();
  const named = new Set<string>();
  for (const n of names) {
    const group = MODEL_GROUPS[n];
    if (group) {
      group().forEach((s) => wanted.add(s.name));
    } else if (allSpecs().some((s) => s.name === n)) {
      wanted.add(n);
      named.add(n);
    } else {
      throw new Error(
        `unknown model ${n}; expected all, baselines, deep or ${scoringModelNames().join(', ')}`,
      );
    }
  }
  const models: ScoringModel[] = [];
  const skipped: SkippedModel[] = [];
  for (const spec of allSpecs()) {
    if (!wanted.has(spec.name)) continue;
    if (spec.name === 'ease' && items > easeLimit && !named.has('ease')) {
      const gb = (items * items * 8) / 1e9;
      skipped.push({
        model: 'ease',
        reason:
          `${items} items > ${easeLimit}: EASE's fit inverts a dense ${items} x ${items} Float64 matrix ` +
          `(${gb.toFixed(1)} GB, ~${(items ** 3 / 2 / 1e12).toFixed(1)}e12 multiply-adds, tens of minutes of CPU); ` +
          `name it in --models to run it anyway (its spec then restricts it to the ${EASE_RESTRICTED_ITEMS} most frequent items)`,
      });
      continue;
    }
    models.push({ spec, family: familyOf(spec) });
  }
  return { models, skipped };
}

/** Parameters laid over a model's defaults, where it has them: one epoch, no holdout, quiet. */
export const CHEAP_FIT: Params = {
  epochs: 1,
  validationSequences: 0,
  patience: 0,
  progress: 'none',
};

/** The spec's defaults with CHEAP_FIT's keys that the model knows; `overridden` lists them. */
export function cheapFitParams(
  spec: ModelSpec,
  context: ModelContext,
): { params: Params; overridden: string[] } {
  const defaults = spec.defaults(context);
  const overridden = Object.keys(CHEAP_FIT).filter((k) => k in defaults);
  const params: Params = { ...defaults };
  for (const k of overridden) params[k] = CHEAP_FIT[k];
  return { params, overridden };
}

function syntheticContext(train: TrainingData): ModelContext {
  const n = train.sequences.offsets.length - 1;
  return {
    protocol: 'loo-full',
    kind: train.kind,
    numItems: train.numItems,
    hasTimes: false,
    timeSpan: 0,
    averageSequenceLength: n === 0 ? 0 : train.sequences.items.length / n,
  };
}

// ---- measurement --------------------------------------------------------------------

export interface ScoringRow {
  readonly model: string;
  readonly family: ModelFamily;
  /** Parameters the model was created with (its defaults + CHEAP_FIT where it has those keys). */
  readonly params: Params;
  /** CHEAP_FIT keys applied; a deep model without `epochs` trained with its defaults. */
  readonly cheapFit: readonly string[];
  readonly fitSeconds: number;
  readonly fitCpuSeconds: number;
  readonly single: {
    readonly histories: number;
    readonly warmupCalls: number;
    readonly p50Ms: number;
    readonly p90Ms: number;
    readonly meanMs: number;
    readonly cpuMsPerHistory: number;
  };
  readonly batch: {
    readonly size: number;
    readonly batches: number;
    /** 'scoreBatch', or 'scoreAll loop' for a model without scoreBatch. */
    readonly method: 'scoreBatch' | 'scoreAll loop';
    readonly p50Ms: number;
    readonly historiesPerSecond: number;
  };
  readonly notes: readonly string[];
}

export interface MeasureOptions {
  readonly batch: number;
  /** Timed batches (one more untimed batch warms up first). */
  readonly batches: number;
  readonly warmupCalls: number;
  readonly seed: number;
  readonly log: (line: string) => void;
}

const round = (x: number, digits = 4): number => Number(x.toPrecision(digits));
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

/** Fits one model cheaply and times its scoring on `histories` (see the file comment). */
export async function measureModel(
  model: ScoringModel,
  train: TrainingData,
  histories: readonly Int32Array[],
  options: MeasureOptions,
): Promise<ScoringRow> {
  if (histories.length === 0) throw new Error('no histories to score');
  const { spec, family } = model;
  const { params, overridden } = cheapFitParams(spec, syntheticContext(train));
  const rec: Recommender = spec.create(params);
  try {
    options.log(
      `${spec.name}: fitting` +
        (overridden.length
          ? ` (${overridden.map((k) => `${k}=${String(params[k])}`).join(', ')})`
          : ''),
    );
    const fitCpu = process.cpuUsage();
    const fitStart = performance.now();
    await rec.fit(train, { seed: options.seed });
    const fitSeconds = (performance.now() - fitStart) / 1000;
    const fitCpuSeconds = cpuMs(fitCpu) / 1000;

    const n = train.numItems;
    const out = new Float32Array(n);
    for (let i = 0; i < options.warmupCalls; i++)
      rec.scoreAll(histories[i % histories.length], out);
    options.log(
      `${spec.name}: fitted in ${fitSeconds.toFixed(2)} s; scoreAll x ${histories.length}`,
    );
    const singleMs: number[] = [];
    const singleCpu = process.cpuUsage();
    for (const h of histories) {
      const t = performance.now();
      rec.scoreAll(h, out);
      singleMs.push(performance.now() - t);
    }
    const singleCpuMs = cpuMs(singleCpu);
    singleMs.sort((a, b) => a - b);

    const size = options.batch;
    const batchOut = new Float32Array(size * n);
    const method = rec.scoreBatch ? 'scoreBatch' : 'scoreAll loop';
    const scoreBatch = (k: number): void => {
      // Batch k: `size` histories from position k * size on, wrapping around.
      const rows = Array.from(
        { length: size },
        (_, j) => histories[(k * size + j) % histories.length],
      );
      if (rec.scoreBatch) rec.scoreBatch(rows, batchOut);
      else rows.forEach((h, j) => rec.scoreAll(h, batchOut.subarray(j * n, (j + 1) * n)));
    };
    options.log(`${spec.name}: ${method}, ${options.batches} batches of ${size}`);
    scoreBatch(options.batches); // warm-up: the batch after the timed ones
    const batchMs: number[] = [];
    for (let k = 0; k < options.batches; k++) {
      const t = performance.now();
      scoreBatch(k);
      batchMs.push(performance.now() - t);
    }
    batchMs.sort((a, b) => a - b);
    const batchP50 = percentile(batchMs, 50);

    return {
      model: spec.name,
      family,
      params,
      cheapFit: overridden,
      fitSeconds: round(fitSeconds),
      fitCpuSeconds: round(fitCpuSeconds),
      single: {
        histories: singleMs.length,
        warmupCalls: options.warmupCalls,
        p50Ms: round(percentile(singleMs, 50)),
        p90Ms: round(percentile(singleMs, 90)),
        meanMs: round(singleMs.reduce((s, v) => s + v, 0) / singleMs.length),
        cpuMsPerHistory: round(singleCpuMs / singleMs.length),
      },
      batch: {
        size,
        batches: batchMs.length,
        method,
        p50Ms: round(batchP50),
        historiesPerSecond: round((size * 1000) / batchP50),
      },
      notes: [...(rec.notes ?? [])],
    };
  } finally {
    rec.dispose?.();
  }
}

// ---- the bench ------------------------------------------------------------------------

export interface ScoringBenchConfig {
  readonly items: number;
  readonly users: number;
  /** Model names and groups (all, baselines, deep). */
  readonly models: readonly string[];
  readonly histories: number;
  readonly batch: number;
  readonly seed: number;
}

export const SCORING_DEFAULTS: ScoringBenchConfig = {
  items: 20_000,
  users: 30_000,
  models: ['all'],
  histories: 200,
  batch: 64,
  seed: 42,
};

/** Untimed scoreAll calls before the single-history timings. */
export const WARMUP_CALLS = 5;
/** At least this many timed batches, whatever --histories is. */
export const MIN_BATCHES = 5;

export const DEEP_FIT_STATEMENT =
  'deep models are fitted for one epoch without an early-stopping holdout (progress off): ' +
  'scoring cost does not depend on how well the weights are trained, so latencies are those of fully trained models';

export interface ScoringBenchResult {
  readonly bench: 'scoring';
  readonly config: ScoringBenchConfig;
  readonly startedAt: string;
  readonly wallSeconds: number;
  readonly node: string;
  readonly backend: string;
  readonly tfjsVersion: string;
  /** os.loadavg() (1, 5, 15 min) before the first model and after the last. */
  readonly loadAverageStart: readonly number[];
  readonly loadAverageEnd: readonly number[];
  readonly data: {
    readonly items: number;
    readonly users: number;
    readonly interactions: number;
    /** Items with at least one training interaction. */
    readonly itemsSeen: number;
    readonly heldOutHistories: number;
    readonly historyLength: { readonly min: number; readonly median: number; readonly max: number };
    readonly description: string;
  };
  readonly fitPolicy: string;
  readonly rows: readonly ScoringRow[];
  readonly skipped: readonly SkippedModel[];
  readonly failed: readonly { readonly model: string; readonly error: string }[];
}

const loadAverage = (): number[] => loadavg().map((x) => Number(x.toFixed(2)));

export async function runScoringBench(
  config: ScoringBenchConfig,
  log: (line: string) => void = progress,
  easeLimit: number = EASE_DENSE_LIMIT,
): Promise<ScoringBenchResult> {
  for (const k of ['items', 'users', 'histories', 'batch'] as const) {
    if (!Number.isInteger(config[k]) || config[k] < 1)
      throw new RangeError(`${k} must be a positive integer, got ${config[k]}`);
  }
  const { models, skipped } = selectScoringModels(config.models, config.items, easeLimit);
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const loadAverageStart = loadAverage();
  const runtime = await initTf({ log });

  log(`generating ${config.users} users over ${config.items} items (seed ${config.seed})`);
  const { train, histories } = generateScoringData(config);
  const seen = new Uint8Array(config.items);
  for (const id of train.sequences.items) seen[id] = 1;
  const lengths = histories.map((h) => h.length).sort((a, b) => a - b);
  for (const s of skipped) log(`skipping ${s.model}: ${s.reason}`);

  const measure: MeasureOptions = {
    batch: config.batch,
    batches: Math.max(MIN_BATCHES, Math.ceil(config.histories / config.batch)),
    warmupCalls: WARMUP_CALLS,
    seed: config.seed,
    log,
  };
  const rows: ScoringRow[] = [];
  const failed: { model: string; error: string }[] = [];
  for (const [i, model] of models.entries()) {
    log(`[${i + 1}/${models.length}] ${model.spec.name}`);
    try {
      const row = await measureModel(model, train, histories, measure);
      rows.push(row);
      log(
        `${row.model}: scoreAll p50 ${row.single.p50Ms} ms, p90 ${row.single.p90Ms} ms; ` +
          `batch of ${row.batch.size} ${row.batch.p50Ms} ms (${row.batch.historiesPerSecond} histories/s)`,
      );
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      failed.push({ model: model.spec.name, error });
      log(`${model.spec.name}: FAILED: ${error}`);
    }
  }
  const s = SYNTHETIC_SHAPE;
  return {
    bench: 'scoring',
    config: { ...config, models: [...config.models] },
    startedAt,
    wallSeconds: round((performance.now() - started) / 1000),
    node: process.version,
    backend: runtime.backend,
    tfjsVersion: runtime.tfVersion,
    loadAverageStart,
    loadAverageEnd: loadAverage(),
    data: {
      items: config.items,
      users: config.users,
      interactions: train.sequences.items.length,
      itemsSeen: seen.reduce((a, b) => a + b, 0),
      heldOutHistories: histories.length,
      historyLength: {
        min: lengths[0],
        median: percentile(lengths, 50),
        max: lengths[lengths.length - 1],
      },
      description:
        `synthetic, seeded: Zipf popularity (exponent ${s.zipfExponent}), ${s.minLength}-${s.maxLength} items per user, ` +
        `random walks within categories of ${s.categorySize} neighbouring ids (neighbour ${s.neighbourStep}, ` +
        `same category ${s.categoryStep}, jump ${round(1 - s.neighbourStep - s.categoryStep, 2)}); no times ` +
        `(like the users loader: sknn/stan consider all neighbours); held-out histories from other users, ` +
        `length 1-${s.maxHistory}`,
    },
    fitPolicy: DEEP_FIT_STATEMENT,
    rows,
    skipped,
    failed,
  };
}

// ---- report ----------------------------------------------------------------------------

const fmt = (x: number): string => {
  if (!Number.isFinite(x)) return '—';
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  if (x >= 0.1) return x.toFixed(2);
  return x.toPrecision(2);
};

/** Markdown: a context line, the table, skipped/failed models and the models' own notes. */
export function formatScoringReport(r: ScoringBenchResult): string {
  const b = r.config.batch;
  const lines = [
    `Scoring latency: ${r.data.items} items, ${r.data.users} users (${r.data.interactions} interactions, ` +
      `${r.data.itemsSeen} items seen), ${r.data.heldOutHistories} held-out histories (length ` +
      `${r.data.historyLength.min}-${r.data.historyLength.max}, median ${r.data.historyLength.median}), ` +
      `batch ${b}, seed ${r.config.seed}; backend ${r.backend} (tfjs ${r.tfjsVersion}), node ${r.node}; ` +
      `load average (1/5/15 min) start ${r.loadAverageStart.join(' ')}, end ${r.loadAverageEnd.join(' ')}`,
    `Fit: ${r.fitPolicy}. Wall-clock figures on a shared machine; CPU ms/history is this process's CPU time.`,
    '',
    `| model | fit s | scoreAll p50 ms | p90 ms | CPU ms/history | batch of ${b} ms | histories/s |`,
    '|---|---:|---:|---:|---:|---:|---:|',
    ...r.rows.map(
      (row) =>
        `| ${row.model}${row.batch.method === 'scoreBatch' ? '' : ' ¹'} | ${fmt(row.fitSeconds)} | ` +
        `${fmt(row.single.p50Ms)} | ${fmt(row.single.p90Ms)} | ${fmt(row.single.cpuMsPerHistory)} | ` +
        `${fmt(row.batch.p50Ms)} | ${fmt(row.batch.historiesPerSecond)} |`,
    ),
  ];
  if (r.rows.some((row) => row.batch.method !== 'scoreBatch')) {
    lines.push('', '¹ no scoreBatch: the batch columns time scoreAll in a loop over the batch.');
  }
  const batches = r.rows[0]?.batch.batches;
  if (batches !== undefined) {
    lines.push(
      `scoreAll: ${r.data.heldOutHistories} histories one at a time after ${WARMUP_CALLS} warm-up calls; ` +
        `batch: median of ${batches} batches after one warm-up batch.`,
    );
  }
  for (const s of r.skipped) lines.push(`Skipped ${s.model}: ${s.reason}.`);
  for (const f of r.failed) lines.push(`FAILED ${f.model}: ${f.error}`);
  const notes = r.rows.filter((row) => row.notes.length > 0);
  if (notes.length > 0) {
    lines.push('', 'Model notes:');
    for (const row of notes) lines.push(`- ${row.model}: ${row.notes.join('; ')}`);
  }
  return lines.join('\n');
}
