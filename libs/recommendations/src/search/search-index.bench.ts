/**
 * Build time, memory and query latency of SearchIndex on a synthetic catalog.
 * Not a test (jest does not pick up *.bench.ts). Run it compiled, with GC
 * exposed so memory figures are after collection:
 *
 *   npx swc libs -d /tmp/pulse-bench --config-file .swcrc --quiet
 *   node --expose-gc /tmp/pulse-bench/libs/recommendations/src/search/search-index.bench.js [items...]
 */
import { performance } from 'node:perf_hooks';
import { generateSearchCatalog, mulberry32 } from './search-catalog.generator';
import { SearchIndex } from './search-index';
import type { SearchOptions } from './search.types';

interface QueryCase {
  readonly kind: string;
  readonly query: string;
}

export interface BenchmarkReport {
  readonly items: number;
  readonly buildMs: number;
  readonly buildCpuMs: number;
  readonly heapMB: number;
  readonly arrayBuffersMB: number;
  readonly terms: number;
  readonly dictionaryWords: number;
  readonly postings: number;
  /** Milliseconds per query: wall clock, and CPU time (which a busy shared machine does not inflate). */
  readonly latency: Record<
    string,
    { p50: number; p99: number; cpuP50: number; cpuP99: number; meanHits: number }
  >;
  readonly textUpdateUs: number;
  readonly columnUpdateUs: number;
}

export function runSearchBenchmark(itemCount: number, queriesPerKind = 300): BenchmarkReport {
  const catalog = generateSearchCatalog({ items: itemCount, seed: 7 });
  const before = memory();
  const started = performance.now();
  const buildCpu0 = process.cpuUsage();
  const index = new SearchIndex();
  index.upsertAll(catalog.items);
  const buildMs = performance.now() - started;
  const buildCpu = process.cpuUsage(buildCpu0);
  const after = memory();
  const stats = index.stats();

  const queries = queryCases(catalog.titleWords, catalog.chineseWords, queriesPerKind);
  const options: SearchOptions = { limit: 20, facets: true };
  for (const { query } of queries.slice(0, 200)) index.search(query, options); // warm-up
  const timings = new Map<string, { wall: number[]; cpu: number[]; hits: number }>();
  for (const { kind, query } of queries) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = index.search(query, options);
    const wall = performance.now() - t0;
    const used = process.cpuUsage(cpu0);
    const cpu = (used.user + used.system) / 1000;
    for (const key of [kind, 'all']) {
      const entry = timings.get(key) ?? { wall: [], cpu: [], hits: 0 };
      entry.wall.push(wall);
      entry.cpu.push(cpu);
      entry.hits += result.total;
      timings.set(key, entry);
    }
  }
  const latency: BenchmarkReport['latency'] = {};
  for (const [kind, { wall, cpu, hits }] of timings) {
    latency[kind] = {
      p50: percentile(wall, 0.5),
      p99: percentile(wall, 0.99),
      cpuP50: percentile(cpu, 0.5),
      cpuP99: percentile(cpu, 0.99),
      meanHits: Math.round(hits / wall.length),
    };
  }

  // Live updates: a text change re-indexes the item; a price change only writes columns.
  const random = mulberry32(99);
  const current = new Map(catalog.items.map((item) => [item.itemId, item]));
  const updates = 2000;
  let t0 = performance.now();
  for (let i = 0; i < updates; i++) {
    const item = catalog.items[Math.floor(random() * catalog.items.length)];
    const changed = { ...item, title: `${item.title} edition ${i}` };
    index.upsert(changed);
    current.set(item.itemId, changed);
  }
  const textUpdateUs = ((performance.now() - t0) / updates) * 1000;
  t0 = performance.now();
  for (let i = 0; i < updates; i++) {
    const item = current.get(catalog.items[Math.floor(random() * catalog.items.length)].itemId)!;
    index.upsert({ ...item, price: item.price + 1, inStock: !item.inStock });
  }
  const columnUpdateUs = ((performance.now() - t0) / updates) * 1000;

  return {
    items: itemCount,
    buildMs: Math.round(buildMs),
    buildCpuMs: Math.round((buildCpu.user + buildCpu.system) / 1000),
    heapMB: round((after.heapUsed - before.heapUsed) / 2 ** 20),
    arrayBuffersMB: round((after.arrayBuffers - before.arrayBuffers) / 2 ** 20),
    terms: stats.terms,
    dictionaryWords: stats.dictionaryWords,
    postings: stats.postings,
    latency,
    textUpdateUs: round(textUpdateUs),
    columnUpdateUs: round(columnUpdateUs),
  };
}

export function queryCases(words: string[], chinese: string[], perKind: number): QueryCase[] {
  const random = mulberry32(1234);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const long = words.filter((w) => w.length >= 5);
  const cases: QueryCase[] = [];
  for (let i = 0; i < perKind; i++) {
    cases.push({ kind: '1 word', query: pick(words) });
    cases.push({ kind: '2 words', query: `${pick(words)} ${pick(words)}` });
    cases.push({ kind: '3 words', query: `${pick(words)} ${pick(words)} ${pick(words)}` });
    const partial = pick(long);
    cases.push({
      kind: 'prefix',
      query: `${pick(words)} ${partial.slice(0, 2 + Math.floor(random() * (partial.length - 2)))}`,
    });
    cases.push({ kind: 'typo', query: `${pick(words)} ${misspell(pick(long), random)} ` });
    cases.push({ kind: 'chinese', query: pick(chinese) + (random() < 0.5 ? pick(chinese) : '') });
  }
  return cases;
}

/** One random edit: drop, double, swap or replace a letter. */
function misspell(word: string, random: () => number): string {
  const at = 1 + Math.floor(random() * (word.length - 2));
  switch (Math.floor(random() * 4)) {
    case 0:
      return word.slice(0, at) + word.slice(at + 1);
    case 1:
      return word.slice(0, at) + word[at] + word.slice(at);
    case 2:
      return word.slice(0, at - 1) + word[at] + word[at - 1] + word.slice(at + 1);
    default:
      return word.slice(0, at) + (word[at] === 'x' ? 'q' : 'x') + word.slice(at + 1);
  }
}

function memory(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage();
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

if (require.main === module) {
  const sizes = process.argv.slice(2).map(Number);
  for (const size of sizes.length > 0 ? sizes : [10_000, 100_000]) {
    console.log(JSON.stringify(runSearchBenchmark(size), null, 2));
  }
}
