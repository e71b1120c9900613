import { formatTable, type LatencySummary } from './bench-support';
import type { LearningLoopBenchResult } from './learning-loop.bench';

const ms = (s: LatencySummary | undefined) => (s && s.count > 0 ? `${s.p50.toFixed(0)} / ${s.p99.toFixed(0)} ms (n=${s.count})` : '-');
const hr = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(3));

/** The readable report: HR@10 per batch side by side, then the latencies of the ON arm. */
export function formatLearningLoopReport(result: LearningLoopBenchResult): string {
  const on = result.arms.find((a) => a.learning === 'on');
  const off = result.arms.find((a) => a.learning === 'off');
  const rows = (on ?? off)!.batches.map((b, i) => [
    `${b.batch}${b.afterShift ? (i === result.config.shiftAtBatch ? ' (shift)' : '') : ' (before)'}`,
    String(b.cases),
    hr(on?.batches[i]?.hr10),
    hr(on?.batches[i]?.modelHr10),
    on?.batches[i]?.servedBy ?? '-',
    hr(off?.batches[i]?.hr10),
    hr(off?.batches[i]?.modelHr10),
    off?.batches[i]?.servedBy ?? '-',
  ]);
  const lines = [
    `learning loop: ${result.config.items} items, ${result.config.shoppers} shoppers, ${result.config.historyEvents} history events, ` +
      `${result.config.batches} live batches of ${result.config.batchEvents}; ${Math.round(result.config.shiftShare * 100)}% of shoppers shift before batch ${result.config.shiftAtBatch}`,
    `champion ${result.champion} trained in ${result.championTrainingS.toFixed(0)} s; ${result.machine.cpus} cores, load ${result.machine.loadAverage1m} at start`,
    '',
    'HR@10 of GET recommendations on each batch\'s next-item cases, measured before the batch is sent',
    '(served: the pipeline with the model blended in; model: strategy=model, the model alone):',
    formatTable(['batch', 'cases', 'on: served', 'on: model', 'served by', 'off: served', 'off: model', 'served by'], rows),
    '',
    formatTable(
      ['pooled HR@10', 'before shift', 'first 2 after', 'last 2 after'],
      result.arms.flatMap((a) => [
        [`saga ${a.learning}, served`, hr(a.hrBeforeShift), hr(a.hrAfterShiftFirst), hr(a.hrAfterShiftLast)],
        [`saga ${a.learning}, model`, hr(a.modelHrBeforeShift), hr(a.modelHrAfterShiftFirst), hr(a.modelHrAfterShiftLast)],
      ]),
    ),
    '',
  ];
  if (on) {
    lines.push(
      `updates: ${on.updates?.swapped ?? 0} swapped in, ${on.updates?.kept ?? 0} kept the serving weights`,
      ...(on.updates?.keptReasons ?? []).slice(0, 5).map((reason) => `  kept: ${reason}`),
      `event -> changed serving weights p50/p99: ${ms(on.eventToWeightsMs)}`,
      ...Object.entries(on.sseDeliveryMs ?? {}).map(([trigger, s]) => `refresh (${trigger}) -> SSE delivery p50/p99: ${ms(s)}`),
    );
  }
  lines.push(
    formatTable(
      ['GET recommendations', 'while training', 'while idle', 'errors', 'load 1m'],
      result.arms.map((a) => [`saga ${a.learning}`, ms(a.getWhileTrainingMs), ms(a.getWhileIdleMs), String(a.probeErrors), `${a.load1m.start} -> ${a.load1m.end}`]),
    ),
    `total ${result.seconds.toFixed(0)} s`,
  );
  return lines.join('\n');
}
