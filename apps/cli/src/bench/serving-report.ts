import { fmt, formatTable } from './bench-support';
import type { ServingBenchResult, ServingSizeResult } from './serving-bench';

/** The readable report of `bench recommend` and `bench search`. */

const times = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : `×${fmt(x, x < 10 ? 2 : 1)}`);

export function formatServingReport(r: ServingBenchResult): string {
  const { config: c, machine: m } = r;
  const name = r.benchmark;
  const lines = [
    `Pulse ${name} benchmark: catalogs of ${c.sizes.join(', ')} items, ~${c.eventsPerItem} interactions per item of history, ` +
      `concurrency ${c.concurrency}, ${c.rounds} rounds of ${fmt(c.durationS / c.rounds, 1)} s per route, seed ${c.seed}`,
    `machine: ${m.cpus} cpus (${m.cpuModel}), node ${m.node}, load average ${m.loadAverage1m} at start`,
    'figures are medians over the rounds; ratios are taken per round (same minute, same load), then their median',
  ];
  for (const s of r.sizes) lines.push('', ...sizeLines(name, s));
  lines.push('', headline(r));
  const clientCores = r.sizes.flatMap((s) => s.routes.map((t) => t.clientCpuCores));
  if (clientCores.length > 0) {
    lines.push(`load generator used up to ${fmt(Math.max(...clientCores), 2)} cores of the same machine`);
  }
  return lines.join('\n');
}

function sizeLines(name: string, s: ServingSizeResult): string[] {
  const st = s.setup;
  const mix = Object.entries(s.answerMix)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const lines = [
    `-- ${s.items} items: ${st.interactions} interactions (${st.storedEvents} events, ${st.returningShoppers} returning shoppers), ` +
      `history ${st.historyFrom.slice(0, 16)} → ${st.historyTo.slice(0, 16)}`,
    `   set-up: written in ${fmt(st.writeSeconds, 0)} s; Pulse caught up in ${fmt(st.catchUpSeconds, 0)} s` +
      (st.catchUpCpuSeconds !== undefined ? ` (${fmt(st.catchUpCpuSeconds, 0)} s CPU)` : '') +
      (st.fromCache ? ' in an earlier run (cached)' : '') +
      `; this run's Pulse ready after ${fmt(st.readySeconds, 0)} s; load average ${s.loadAverage1m.before} → ${s.loadAverage1m.after}` +
      (s.serviceRssMb !== undefined ? `; Pulse RSS ${s.serviceRssMb} MB` : ''),
    `   unloaded ${name} (one at a time): p50 ${fmt(s.unloaded.p50, 1)} ms, p99 ${fmt(s.unloaded.p99, 1)} ms over ${s.unloaded.count}; answers: ${mix}`,
    '',
    formatTable(
      ['route', 'req/s', 'p50 ms', 'p99 ms', 'p50 by round', 'requests', 'max ms', 'server CPU ms/req', 'body B', 'non-200'],
      s.routes.map((t) => [
        t.name,
        fmt(t.median.requestsPerSecond, 0),
        fmt(t.median.p50, 2),
        fmt(t.median.p99, 2),
        t.rounds.map((x) => fmt(x.p50, 1)).join(' / '),
        fmt(t.pooled.requests, 0),
        fmt(t.pooled.max, 1),
        fmt(t.serverCpuMsPerRequest, 3),
        fmt(t.medianBytes, 0),
        fmt(t.non200, 0),
      ]),
    ).replace(/^/gm, '   '),
    '',
    `   ${name} ÷ bare: p50 ${times(s.ratios.p50VsBare)}, p99 ${times(s.ratios.p99VsBare)}, throughput bare/${name} ${times(s.ratios.throughputBareVsRoute)};  ` +
      `${name} ÷ item-get: p50 ${times(s.ratios.p50VsItemGet)}, p99 ${times(s.ratios.p99VsItemGet)}, ` +
      `throughput item-get/${name} ${times(s.ratios.throughputItemGetVsRoute)}, server CPU per request ${times(s.ratios.cpuVsItemGet)}`,
  ];
  for (const t of s.routes.filter((x) => x.errorSamples.length > 0)) {
    lines.push(`   ${t.name} non-200 answers, e.g.: ${t.errorSamples[0]}`);
  }
  return lines;
}

/** One line per size: the ratios the issue asks for. */
function headline(r: ServingBenchResult): string {
  return [
    `headline (${r.benchmark} ÷ bare route of the same body size, p50 / p99; ÷ GET /v1/items/:id):`,
    ...r.sizes.map(
      (s) =>
        `  ${String(s.items).padStart(7)} items: ${times(s.ratios.p50VsBare)} / ${times(s.ratios.p99VsBare)};  ` +
          `${times(s.ratios.p50VsItemGet)} / ${times(s.ratios.p99VsItemGet)}  ` +
          `(${fmt(s.routes[0]!.median.requestsPerSecond, 0)} req/s, load ${s.loadAverage1m.before} → ${s.loadAverage1m.after})`,
    ),
  ].join('\n');
}
