import { Anchor, AnchorSet, anchorsFor } from './anchors';
import type { EvaluationReport, ModelEvaluation } from './evaluate';
import type { MetricName } from './metrics';

export interface RenderOptions {
  /** Reference rows; default: looked up from the dataset name and protocol. null = none. */
  readonly anchors?: AnchorSet | null;
  /** Decimals for metric values (default 4). */
  readonly digits?: number;
}

const METRICS: readonly MetricName[] = ['hr', 'ndcg', 'mrr'];
const LABEL: Record<MetricName, string> = { hr: 'HR', ndcg: 'NDCG', mrr: 'MRR' };

function fmt(v: number | undefined, digits: number): string {
  return v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits);
}

function seconds(s: number): string {
  return s >= 100 ? s.toFixed(0) : s >= 10 ? s.toFixed(1) : s.toFixed(2);
}

function paramText(r: ModelEvaluation): string {
  const entries = Object.entries(r.params);
  return entries.length === 0 ? '' : entries.map(([k, v]) => `${k}=${v}`).join(', ');
}

/**
 * A markdown table of a run: one row per model, each followed by the datasets
 * README's measured number for the same baseline (when there is one), then the
 * published anchors. Below it: parameters, tuning and notes per model.
 */
export function renderMarkdown(report: EvaluationReport, options: RenderOptions = {}): string {
  const digits = options.digits ?? 4;
  const anchorSet =
    options.anchors === null
      ? undefined
      : (options.anchors ?? anchorsFor(report.dataset.name, report.protocol));
  const cols = METRICS.flatMap((m) => report.ks.map((k) => ({ m, k })));
  const header = [
    'model',
    ...cols.map((c) => `${LABEL[c.m]}@${c.k}`),
    'train s',
    'train CPU s',
    'ms/case (median)',
    'wall s',
  ];
  const lines: string[] = [];
  const d = report.dataset;
  lines.push(
    `### ${d.name} — ${report.protocol} (test: ${report.results[0]?.cases ?? report.testCases} cases` +
      `${report.maxTestCases !== undefined && report.maxTestCases < report.testCases ? ` of ${report.testCases}, seeded subset` : ''}` +
      `; ${d.items} items, ${d.sequences} ${d.kind}, seed ${report.seed})`,
  );
  lines.push('');
  lines.push(`| ${header.join(' | ')} |`);
  lines.push(`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);

  const anchorRow = (a: Anchor, label: string): string =>
    `| ${label} | ${cols.map((c) => fmt(a.metrics[c.m]?.[c.k], digits)).join(' | ')} | | | | |`;

  for (const r of report.results) {
    lines.push(
      `| **${r.model}** | ${cols.map((c) => fmt(r.metrics[c.m][c.k], digits)).join(' | ')} | ` +
        `${seconds(r.trainSeconds)} | ${seconds(r.trainCpuSeconds)} | ${r.scoreLatency.medianMs.toFixed(3)} | ${seconds(r.wallSeconds)} |`,
    );
    for (const a of anchorSet?.anchors.filter(
      (x) => x.source === 'measured' && x.model === r.model,
    ) ?? []) {
      lines.push(anchorRow(a, `↳ _README measured: ${a.name}_`));
    }
  }
  const others =
    anchorSet?.anchors.filter((a) => !report.results.some((r) => r.model === a.model)) ?? [];
  for (const a of others) lines.push(anchorRow(a, `_${a.name} (${a.source})_`));

  lines.push('');
  for (const r of report.results) {
    const parts = [`- **${r.model}** (${r.description}): ${paramText(r) || 'no parameters'}`];
    if (r.tuning) {
      parts.push(
        `; tuned on ${r.tuning.validationCases} validation cases by ${r.tuning.metric} ` +
          `(${r.tuning.trials.length} trials, ${seconds(r.tuning.seconds)} s)`,
      );
    }
    if (r.notes.length > 0) parts.push(`; ${r.notes.join('; ')}`);
    lines.push(parts.join(''));
  }
  if (anchorSet) {
    lines.push(
      `- Reference rows: ${anchorSet.dataset}, from the datasets README (published = paper/authors, ` +
        'measured = README baseline runs, expected values under random tie-breaking); — = not reported.',
    );
  }
  lines.push(
    '- Metrics are expected values under uniformly random tie-breaking; ms/case = median time of one ' +
      'scoreAll call (scores for every item), ranking excluded.',
  );
  return lines.join('\n');
}
