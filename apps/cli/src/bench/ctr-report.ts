import { fmt, formatTable } from './bench-support';
import type { ArmFigures } from './ctr-figures';
import type { CtrBenchResult } from './ctr.bench';

/** The readable report of `bench ctr`. */

const pct = (x: number, decimals = 2) => (Number.isFinite(x) ? `${fmt(100 * x, decimals)}%` : '-');
const interval = ([lo, hi]: [number, number], decimals = 2) =>
  `${pct(lo, decimals)}–${pct(hi, decimals)}`;

export function formatCtrReport(r: CtrBenchResult): string {
  const { config: c, machine: m } = r;
  const rows = (figures: Record<string, ArmFigures>) =>
    Object.entries(figures).map(([name, f]) => [
      name,
      fmt(f.responses, 0),
      fmt(f.impressions, 0),
      fmt(f.clicks, 0),
      pct(f.ctr),
      interval(f.ctrCi95),
      interval(f.ctrWilson95),
      pct(f.expectedCtr),
      pct(f.addToCartRate, 3),
      pct(f.purchaseRate, 3),
      pct(f.coverage, 1),
      fmt(f.exposureGini, 3),
      fmt(f.latencyMs.p50, 1),
    ]);
  const header = [
    '',
    'lists',
    'impressions',
    'clicks',
    'CTR',
    '95% CI (bootstrap)',
    '95% CI (Wilson)',
    'expected CTR',
    'cart/impr.',
    'purchase/impr.',
    'coverage',
    'Gini',
    'p50 ms',
  ];
  const chk = r.service.check;
  const serviceRows = r.service.strategies.map((s) => [
    `${s.kind}:${s.strategy}${s.modelVersion ? `@${s.modelVersion}` : ''}`,
    fmt(s.responses, 0),
    fmt(s.impressions, 0),
    fmt(s.clicks, 0),
    pct(s.ctr),
    pct(s.addToCartRate, 3),
    pct(s.purchaseRate, 3),
  ]);
  const rejected = Object.entries(r.run.rejectedEvents)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `Pulse CTR benchmark (closed-loop A/B in a simulated shop): ${c.items} items, ${c.shoppers} registered shoppers, ` +
      `~${c.eventsPerItem} interactions per item of history, ${c.sessions} visits, ${c.concurrency} at once, seed ${c.seed}`,
    `machine: ${m.cpus} cpus (${m.cpuModel}), node ${m.node}, load average ${m.loadAverage1m} at start, ` +
      `${r.run.loadAverage1m.before} → ${r.run.loadAverage1m.after} during the visits`,
    `set-up: ${r.setup.interactions} interactions (${r.setup.storedEvents} events) written in ${fmt(r.setup.writeSeconds, 0)} s; ` +
      `Pulse caught up in ${fmt(r.setup.readySeconds, 0)} s, ${fmt(r.setup.readyCpuSeconds, 0)} s of its CPU (listening after ${fmt(r.setup.listenSeconds, 0)} s)`,
    `visits: ${r.run.sessions} (${r.run.anonymousSessions} anonymous) in ${fmt(r.run.seconds, 0)} s; ${r.run.organicEvents} organic events, ` +
      `${r.run.attributedEvents} attributed; ${r.run.recommendationRequests} widgets (${r.run.recommendationErrors} failed)` +
      (rejected ? `; rejected events: ${rejected}` : ''),
    '',
    'by assigned arm (this side: what was shown and what the click model did):',
    formatTable(header, rows(r.arms)),
    '',
    'by strategy Pulse served:',
    formatTable(header, rows(r.byServedStrategy)),
    '',
    `personalised − popular: CTR ${r.difference.ctr >= 0 ? '+' : ''}${fmt(100 * r.difference.ctr, 2)} points ` +
      `(95% CI ${fmt(100 * r.difference.ctrCi95[0], 2)} to ${fmt(100 * r.difference.ctrCi95[1], 2)}, cluster bootstrap)`,
    `personalised ÷ popular: CTR ×${fmt(r.ratio.ctr, 2)} (95% CI ×${fmt(r.ratio.ctrCi95[0], 2)}–×${fmt(r.ratio.ctrCi95[1], 2)}), ` +
      `expected CTR ×${fmt(r.ratio.expectedCtr, 2)}, cart rate ×${fmt(r.ratio.addToCartRate, 2)}, purchase rate ×${fmt(r.ratio.purchaseRate, 2)}`,
    '',
    'Pulse GET /v1/admin/metrics:',
    formatTable(
      ['strategy', 'responses', 'impressions', 'clicks', 'CTR', 'cart/impr.', 'purchase/impr.'],
      serviceRows,
    ),
    `catalog: ${r.service.catalog.activeItems} active items, ${r.service.catalog.exposedItems} exposed, coverage ${pct(r.service.catalog.coverage, 1)}, exposure Gini ${fmt(r.service.catalog.exposureGini, 3)}`,
    `check (sent vs counted by Pulse): impressions ${chk.impressionsSent}/${chk.impressionsCounted}, clicks ${chk.clicksSent}/${chk.clicksCounted}, ` +
      `carts ${chk.cartsSent}/${chk.cartsCounted}, purchases ${chk.purchasesSent}/${chk.purchasesCounted}`,
    ...(r.run.errorSamples.length > 0
      ? [`failed widget requests, e.g.: ${r.run.errorSamples[0]}`]
      : []),
  ].join('\n');
}
