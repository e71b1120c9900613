import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  BASELINE_SPECS,
  describeDataset,
  EvaluationProgress,
  findBaselineSpec,
  loadDataset,
  ModelContext,
  ModelEntry,
  ModelEvaluation,
  ModelSpec,
  ParamValue,
  parseMetricKey,
  PROTOCOL_NAMES,
  ProtocolName,
  renderMarkdown,
  runEvaluation,
  SequenceDataset,
} from '@pulse/ml';
import { DEEP_MODEL_SPECS, HYBRID_MODEL_SPECS } from '@pulse/ml/models';
import { wholeNumber } from './cli-arguments';

interface EvaluateOptions {
  dataset: string;
  protocol: ProtocolName;
  model: string[];
  json?: boolean;
  seed: number;
  k: number[];
  tune: boolean;
  tuningMetric?: string;
  maxValidationCases: number;
  maxTestCases?: number;
  set: string[];
}

const BASELINE_NAMES = BASELINE_SPECS.map((s) => s.name);
// Read at call time: other model files append to DEEP_MODEL_SPECS.
const deepNames = (): string[] => DEEP_MODEL_SPECS.map((s) => s.name);
const modelNames = (): string[] => [...BASELINE_NAMES, ...deepNames()];

/** Groups accepted by --model besides single names. */
const MODEL_GROUPS: Record<string, () => string[]> = {
  all: modelNames,
  baselines: () => BASELINE_NAMES,
  deep: deepNames,
};

function findSpec(name: string): ModelSpec | undefined {
  const n = name.toLowerCase();
  return findBaselineSpec(n) ?? [...DEEP_MODEL_SPECS, ...HYBRID_MODEL_SPECS].find((s) => s.name === n);
}

function parseModels(value: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  if (names.length === 0) throw new InvalidArgumentError('--model needs a model name or "all".');
  const expanded = names.flatMap((n) => MODEL_GROUPS[n]?.() ?? [n]);
  const unknown = expanded.filter((n) => !findSpec(n));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `unknown model ${unknown.join(', ')}; expected all, baselines, deep or ${modelNames().join(', ')}.`,
    );
  }
  return [...new Set(expanded)];
}

function parseCutoffs(value: string): number[] {
  const ks = value.split(',').map((s) => s.trim());
  if (ks.length === 0 || ks.some((k) => !/^\d+$/.test(k) || Number(k) < 1)) {
    throw new InvalidArgumentError(
      '--k must be a comma-separated list of positive integers, e.g. 5,10,20.',
    );
  }
  return [...new Set(ks.map(Number))].sort((a, b) => a - b);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseValue(raw: string): ParamValue {
  const v = raw.trim();
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v !== '' && Number.isFinite(Number(v))) return Number(v);
  return v;
}

/** `--set stan.k=200 --set ease.maxItems=12000` -> fixed parameters per model (those are not tuned). */
function parseOverrides(sets: readonly string[]): Map<string, Record<string, ParamValue>> {
  const out = new Map<string, Record<string, ParamValue>>();
  const probe: ModelContext = {
    protocol: 'loo-full',
    kind: 'sessions',
    numItems: 1,
    hasTimes: true,
    timeSpan: 1,
    averageSequenceLength: 1,
  };
  for (const s of sets) {
    const m = /^([a-z0-9-]+)\.([A-Za-z0-9_]+)=(.+)$/.exec(s.trim());
    if (!m) throw new Error(`--set "${s}": expected model.param=value, e.g. stan.k=200`);
    const [, modelName, param, value] = m;
    const spec = findSpec(modelName);
    if (!spec)
      throw new Error(
        `--set "${s}": unknown model "${modelName}"; expected ${modelNames().join(', ')}`,
      );
    const known = Object.keys(spec.defaults(probe));
    if (!known.includes(param)) {
      throw new Error(
        `--set "${s}": ${modelName} has no parameter "${param}"` +
          (known.length ? `; it has ${known.join(', ')}` : '; it has no parameters'),
      );
    }
    out.set(spec.name, { ...(out.get(spec.name) ?? {}), [param]: parseValue(value) });
  }
  return out;
}

/** One cli-progress bar, restarted whenever the model, stage or trial changes. */
class ProgressReporter {
  private bar: SingleBar | undefined;
  private key = '';

  update(p: EvaluationProgress): void {
    const trial = p.detail?.match(/^trial \d+\/\d+ \w+/)?.[0] ?? ''; // not the per-batch detail: one bar per stage
    const key = `${p.model}|${p.stage}|${trial}`;
    if (key !== this.key || !this.bar) {
      this.stop();
      this.key = key;
      this.bar = new SingleBar(
        {
          format: `{model} {stage} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} | ETA {eta_formatted} {detail}`,
          stream: process.stderr,
          noTTYOutput: true,
          notTTYSchedule: 10000,
          etaBuffer: 50,
          hideCursor: true,
        },
        Presets.shades_classic,
      );
      this.bar.start(Math.max(1, p.total), 0, {
        model: p.model,
        stage: p.stage,
        detail: p.detail ?? '',
      });
    }
    this.bar.setTotal(Math.max(1, p.total));
    this.bar.update(p.done, { detail: p.detail ?? '' });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

function summaryLine(r: ModelEvaluation, ks: readonly number[]): string {
  const k = ks.includes(10) ? 10 : ks[ks.length - 1];
  const k2 = ks.includes(20) ? 20 : ks[ks.length - 1];
  return (
    `${r.model}: HR@${k} ${r.metrics.hr[k].toFixed(4)} NDCG@${k} ${r.metrics.ndcg[k].toFixed(4)} ` +
    `HR@${k2} ${r.metrics.hr[k2].toFixed(4)} MRR@${k2} ${r.metrics.mrr[k2].toFixed(4)} | ` +
    `train ${r.trainSeconds.toFixed(1)} s (CPU ${r.trainCpuSeconds.toFixed(1)} s), ${r.scoreLatency.medianMs.toFixed(3)} ms/case ` +
    `(${r.scoreLatency.medianMs.toFixed(2)} s per 1,000 histories), wall ${r.wallSeconds.toFixed(1)} s\n`
  );
}

async function evaluate(options: EvaluateOptions, command: Command): Promise<void> {
  if (options.tuningMetric) {
    try {
      const { k } = parseMetricKey(options.tuningMetric);
      if (!options.k.includes(k)) options.k = [...options.k, k].sort((a, b) => a - b);
    } catch (error) {
      command.error(`error: --tuning-metric: ${(error as Error).message}`);
    }
  }
  let overrides: Map<string, Record<string, ParamValue>>;
  try {
    overrides = parseOverrides(options.set);
  } catch (error) {
    return command.error(`error: ${(error as Error).message}`);
  }

  let dataset: SequenceDataset;
  try {
    dataset = loadDataset(options.dataset);
  } catch (error) {
    return command.error(`error: --dataset: ${(error as Error).message}`);
  }
  const info = describeDataset(dataset);
  if (options.protocol === 'session-prefix' && dataset.kind !== 'sessions') {
    process.stderr.write(
      `note: ${info.name} holds user sequences; session-prefix treats each as a session and holds out the latest ones\n`,
    );
  }
  if (options.protocol !== 'session-prefix' && dataset.kind === 'sessions') {
    process.stderr.write(
      `note: ${info.name} holds sessions; ${options.protocol} treats each training session as a user and ignores the published test prefixes\n`,
    );
  }
  process.stderr.write(
    `dataset ${info.name}: ${info.items} items, ${info.sequences} ${info.kind}, ${info.interactions} interactions` +
      `${info.heldOutCases ? `, ${info.heldOutCases} held-out cases` : ''}; protocol ${options.protocol}; ` +
      `models ${options.model.join(', ')}\n`,
  );

  const deep = options.model.filter((n) => deepNames().includes(n));
  if (deep.length > 0) {
    process.stderr.write(
      `note: ${deep.join(', ')} train with TensorFlow.js: minutes to an hour each on 2 cores ` +
        '(use --model baselines for the quick ones)\n',
    );
  }
  const models: ModelEntry[] = options.model.map((name) => {
    const spec = findSpec(name) as ModelSpec;
    const params = overrides.get(spec.name);
    return params ? { spec, params } : spec;
  });
  const progress = new ProgressReporter();
  let report;
  try {
    report = await runEvaluation({
      dataset,
      protocol: options.protocol,
      models,
      k: options.k,
      seed: options.seed,
      tune: options.tune,
      tuningMetric: options.tuningMetric,
      maxValidationCases: options.maxValidationCases,
      maxTestCases: options.maxTestCases,
      onProgress: (p) => progress.update(p),
      onResult: (r) => {
        progress.stop();
        process.stderr.write(summaryLine(r, options.k));
      },
    });
  } finally {
    progress.stop();
  }
  process.stdout.write(`${renderMarkdown(report)}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
}

/**
 * `pulse evaluate`: offline evaluation of the baselines and deep models on a
 * public dataset under a published protocol. Progress on stderr, the
 * markdown table on stdout; with --json the last stdout line is the full
 * report as one JSON object.
 */
export function registerEvaluateCommand(program: Command): void {
  program
    .command('evaluate')
    .description(
      'evaluate recommenders offline on a public dataset under a published protocol (see the datasets README)',
    )
    .requiredOption(
      '--dataset <path>',
      'user-sequence file ("user item1 item2 ...") or a directory with train_sessions.txt + test_prefix_target.tsv',
    )
    .addOption(
      new Option('--protocol <name>', 'evaluation protocol')
        .choices([...PROTOCOL_NAMES])
        .makeOptionMandatory(),
    )
    .requiredOption(
      '--model <names>',
      `all, baselines, deep, or comma-separated names: ${modelNames().join(', ')} ` +
        '(deep models train for minutes to an hour each)',
      parseModels,
    )
    .option('--json', 'also print the full report as one JSON object on the last stdout line')
    .option(
      '--seed <n>',
      'seed for sampled negatives and case subsets',
      wholeNumber('--seed', 0),
      42,
    )
    .option('--k <list>', 'cut-offs', parseCutoffs, [5, 10, 20])
    .option('--no-tune', 'skip hyper-parameter search on the validation split; use defaults')
    .option(
      '--tuning-metric <metric>',
      'validation objective (default ndcg@10; mrr@20 for session-prefix)',
    )
    .option(
      '--max-validation-cases <n>',
      'validation cases scored per tuning trial (seeded subset)',
      wholeNumber('--max-validation-cases', 1),
      20000,
    )
    .option(
      '--max-test-cases <n>',
      'score only a seeded subset of test cases (quick runs; reported)',
      wholeNumber('--max-test-cases', 1),
    )
    .option(
      '--set <model.param=value>',
      'fix a model parameter (repeatable), e.g. --set ease.maxItems=12000',
      collect,
      [],
    )
    .action(async (options: EvaluateOptions, command: Command) => evaluate(options, command));
}
