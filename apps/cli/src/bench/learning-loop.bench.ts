import { randomBytes } from 'node:crypto';
import { cpSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { PulseProcess, type Role } from '@pulse/testing/pulse-process';
import type { WireInteraction } from '@pulse/testing/synthetic/shop/wire';
import { type LatencySummary, machineInfo, type MachineInfo, makeTempDir, now, progress, removeDir, sleep, summarise } from './bench-support';
import { followRefreshes, type SseArrival } from './learning-loop-sse';
import { buildTraffic, casesOfBatch, mostActive, type NextItemCase } from './learning-loop-traffic';

/**
 * `pulse bench learning-loop`: does the learning loop make the served model
 * follow a shop whose shoppers' interests jump, and at what cost?
 *
 * One seeded synthetic shop, generated up front. Its history is sent to a
 * fresh Pulse (child process, compiled service), a SASRec champion is
 * trained on it in Pulse's training child and promoted; that data directory
 * is then copied for two arms, run one after the other on the same live
 * traffic: the saga ON (PULSE_LEARNING=on) and OFF. Live traffic goes in
 * batches; before batch `shiftAtBatch` most shoppers' latent interests jump.
 *
 * Measured per arm, per batch, BEFORE the batch is sent (prequential):
 * HR@10 of GET /v1/shoppers/:id/recommendations on the batch's next-item
 * cases (each shopper's first item in the batch they never touched before),
 * with diversity and exploration off: the served pipeline, in which the
 * model adds candidates and a blended score; and, on the same cases, of the
 * model alone (`strategy=model`). The pipeline's other signals follow the
 * shift in both arms (the shoppers' interest state is live either way), so
 * the model-only figure is the one that shows what the saga itself changes.
 * In the ON arm, after each batch the
 * bench waits for the trainer to take it in, so both arms are judged on the
 * same traffic with the same information.
 *
 * Also, ON arm: event -> changed serving weights (each POST's send time to
 * the `recordedAt` of the swapped ModelIncrementallyUpdated covering it:
 * appended just after the swap, so an upper bound by a few ms);
 * refresh -> SSE delivery (a list's `refreshedAt` to its arrival at an SSE
 * client following that shopper); and GET recommendations latency from a
 * steady probe, split by whether the trainer was training at the time.
 */

export interface LearningLoopBenchConfig {
  readonly seed: number;
  readonly items: number;
  readonly shoppers: number;
  readonly historyEvents: number;
  readonly batches: number;
  readonly batchEvents: number;
  readonly shiftAtBatch: number;
  readonly shiftShare: number;
  /** Shoppers followed over SSE in the ON arm. */
  readonly sseShoppers: number;
  /** Probe GETs per second (latency while training vs idle). */
  readonly probeRate: number;
  /** Champion training: SASRec size and epochs. */
  readonly hiddenSize: number;
  readonly epochs: number;
  /** How long to wait for the trainer to take a batch in, and for the champion to train. */
  readonly updateTimeoutS: number;
  readonly trainTimeoutS: number;
}

export const LEARNING_LOOP_DEFAULTS: LearningLoopBenchConfig = {
  seed: 7,
  items: 400,
  shoppers: 250,
  historyEvents: 5000,
  batches: 8,
  batchEvents: 400,
  shiftAtBatch: 2,
  shiftShare: 0.9,
  sseShoppers: 15,
  probeRate: 8,
  hiddenSize: 32,
  epochs: 4,
  updateTimeoutS: 90,
  trainTimeoutS: 360,
};

export interface BatchFigure {
  readonly batch: number;
  readonly afterShift: boolean;
  readonly cases: number;
  readonly hits: number;
  readonly hr10: number;
  /** The same cases, `strategy=model`: the served model alone. */
  readonly modelHits: number;
  readonly modelHr10: number;
  /** What served the batch's cases (modelVersion of the responses, most frequent). */
  readonly servedBy?: string;
}

export interface ArmResult {
  readonly learning: 'on' | 'off';
  readonly batches: readonly BatchFigure[];
  readonly hrBeforeShift: number;
  readonly hrAfterShiftFirst: number;
  readonly hrAfterShiftLast: number;
  readonly modelHrBeforeShift: number;
  readonly modelHrAfterShiftFirst: number;
  readonly modelHrAfterShiftLast: number;
  readonly updates?: { readonly swapped: number; readonly kept: number; readonly keptReasons: readonly string[] };
  readonly eventToWeightsMs?: LatencySummary;
  readonly sseDeliveryMs?: Record<string, LatencySummary>;
  readonly getWhileTrainingMs: LatencySummary;
  readonly getWhileIdleMs: LatencySummary;
  readonly probeErrors: number;
  readonly load1m: { readonly start: number; readonly end: number };
  readonly seconds: number;
}

export interface LearningLoopBenchResult {
  readonly config: LearningLoopBenchConfig;
  readonly machine: MachineInfo;
  readonly championTrainingS: number;
  readonly champion: string;
  readonly arms: readonly ArmResult[];
  readonly seconds: number;
}

type Keys = Readonly<Record<Role, string>>;

const MODEL = 'sasrec';

export async function runLearningLoopBench(config: LearningLoopBenchConfig): Promise<LearningLoopBenchResult> {
  const started = now();
  const machine = machineInfo();
  const traffic = buildTraffic({ ...config, endBeforeMs: Date.now() - 60_000 });
  const keys: Keys = { admin: key(), ingest: key(), read: key() };
  const root = makeTempDir('learning-loop');
  try {
    progress(`history: ${traffic.history.length} events, ${traffic.items.length} items; training the ${MODEL} champion`);
    const base = join(root, 'base');
    const trainingStarted = now();
    const champion = await prepareChampion(base, keys, traffic, config);
    const championTrainingS = (now() - trainingStarted) / 1000;
    const arms: ArmResult[] = [];
    for (const learning of ['on', 'off'] as const) {
      const dir = join(root, learning);
      cpSync(base, dir, { recursive: true, verbatimSymlinks: true });
      arms.push(await runArm(learning, dir, keys, traffic, config));
    }
    return { config, machine, championTrainingS, champion, arms, seconds: (now() - started) / 1000 };
  } finally {
    removeDir(root);
  }
}

function key(): string {
  return randomBytes(18).toString('base64url');
}

const BASE_ENV = {
  PULSE_UNKNOWN_ITEMS: 'accept',
  PULSE_RECOMMENDATION_MODEL: MODEL,
  PULSE_LEARNING_MODEL: MODEL,
};

async function prepareChampion(dir: string, keys: Keys, traffic: ReturnType<typeof buildTraffic>, config: LearningLoopBenchConfig): Promise<string> {
  const pulse = await PulseProcess.start({ dataDir: dir, keys, env: { ...BASE_ENV, PULSE_LEARNING: 'off' }, startTimeoutMs: 60_000 });
  try {
    for (let i = 0; i < traffic.items.length; i += 1000) {
      await ok(pulse, 'POST', '/v1/items/batch', 'ingest', { items: traffic.items.slice(i, i + 1000) });
    }
    await postEvents(pulse, traffic.history);
    await ok(pulse, 'POST', `/v1/admin/models/${MODEL}/train`, 'admin', {
      kind: 'sasrec',
      params: { hiddenSize: config.hiddenSize, maxLen: 30, numBlocks: 1, epochs: config.epochs, patience: 0, progress: 'none' },
      autoPromote: true,
      seed: config.seed,
    });
    const deadline = Date.now() + config.trainTimeoutS * 1000;
    for (;;) {
      const model = (await pulse.request('GET', `/v1/admin/models/${MODEL}`, { key: 'admin' })).body;
      if (model.championVersion !== undefined) return `${MODEL}@${model.championVersion}`;
      const last = model.versions?.at(-1);
      if (last?.status === 'failed') throw new Error(`champion training failed: ${last.error}`);
      if (last?.status === 'trained' && model.championVersion === undefined) {
        // Promotion is automatic on the first version; a trained, unpromoted one means it was refused.
        await ok(pulse, 'POST', `/v1/admin/models/${MODEL}/promote`, 'admin', { version: last.version, force: true });
      }
      if (Date.now() > deadline) throw new Error(`the champion did not train within ${config.trainTimeoutS} s`);
      await sleep(1000);
    }
  } finally {
    await pulse.stop();
  }
}

async function runArm(
  learning: 'on' | 'off',
  dir: string,
  keys: Keys,
  traffic: ReturnType<typeof buildTraffic>,
  config: LearningLoopBenchConfig,
): Promise<ArmResult> {
  const started = now();
  const loadStart = loadavg()[0]!;
  progress(`arm learning=${learning}: starting Pulse`);
  const pulse = await PulseProcess.start({
    dataDir: dir,
    keys,
    startTimeoutMs: 60_000,
    env: {
      ...BASE_ENV,
      PULSE_LEARNING: learning,
      // One live batch is one update: flushed by count, or by age if a batch is short of items.
      PULSE_LEARNING_FLUSH_EVENTS: String(Math.max(50, Math.floor(config.batchEvents * 0.8))),
      PULSE_LEARNING_FLUSH_MS: '2000',
      // Small enough that the first live batches already leave cases to train on (the holdout keeps the newest).
      PULSE_LEARNING_HOLDOUT: '100',
      PULSE_LEARNING_EPOCHS: '2',
      PULSE_LEARNING_RATE: '0.002',
    },
  });
  const sse = learning === 'on' ? followRefreshes(pulse.baseUrl, keys.read, mostActive(traffic.batches, config.sseShoppers)) : undefined;
  const probe = new LatencyProbe(pulse, traffic.history, config.probeRate, config.seed);
  try {
    await until(async () => {
      const models = (await pulse.request('GET', `/v1/admin/models/${MODEL}`, { key: 'admin' })).body;
      return models.servingVersion !== undefined && models.servingVersion === models.championVersion;
    }, 60_000, 'the champion to load');
    probe.start();
    const seen = new Map<string, Set<string>>();
    casesOfBatch(traffic.history, seen, Number.POSITIVE_INFINITY);
    const figures: BatchFigure[] = [];
    const sends: Send[] = [];
    let position = '0';
    for (let b = 0; b < traffic.batches.length; b++) {
      const batch = traffic.batches[b]!;
      const cases = casesOfBatch(batch, seen);
      figures.push({ batch: b, afterShift: b >= config.shiftAtBatch, ...(await hitRate(pulse, cases, position)) });
      const sent = await postEvents(pulse, batch);
      sends.push(...sent);
      position = sent.at(-1)?.position ?? position;
      if (learning === 'on') await untilTrained(pulse, config.updateTimeoutS);
      const f = figures.at(-1)!;
      progress(
        `arm ${learning}: batch ${b}${f.afterShift ? ' (after the shift)' : ''}: HR@10 ${f.hr10.toFixed(3)}, ` +
          `model alone ${f.modelHr10.toFixed(3)}, on ${f.cases} cases, served by ${f.servedBy ?? '-'}`,
      );
    }
    await probe.stop();
    const after = figures.filter((f) => f.afterShift);
    const before = figures.filter((f) => !f.afterShift);
    const updates = learning === 'on' ? await modelUpdates(pulse) : undefined;
    return {
      learning,
      batches: figures,
      hrBeforeShift: pooled(before),
      hrAfterShiftFirst: pooled(after.slice(0, 2)),
      hrAfterShiftLast: pooled(after.slice(-2)),
      modelHrBeforeShift: pooled(before, 'modelHits'),
      modelHrAfterShiftFirst: pooled(after.slice(0, 2), 'modelHits'),
      modelHrAfterShiftLast: pooled(after.slice(-2), 'modelHits'),
      ...(updates && {
        updates: {
          swapped: updates.filter((u) => u.swapped).length,
          kept: updates.filter((u) => !u.swapped).length,
          keptReasons: updates.filter((u) => !u.swapped).map((u) => u.reason),
        },
        eventToWeightsMs: summarise(eventToWeights(sends, updates)),
      }),
      ...(sse && { sseDeliveryMs: byTrigger(sse.arrivals) }),
      getWhileTrainingMs: summarise(probe.samples.filter((s) => s.training).map((s) => s.ms)),
      getWhileIdleMs: summarise(probe.samples.filter((s) => !s.training).map((s) => s.ms)),
      probeErrors: probe.errors,
      load1m: { start: round2(loadStart), end: round2(loadavg()[0]!) },
      seconds: (now() - started) / 1000,
    };
  } catch (error) {
    progress(`arm ${learning} failed; Pulse's last output:\n${pulse.outputTail()}`);
    throw error;
  } finally {
    sse?.close();
    await probe.stop();
    await pulse.stop();
  }
}

// ---- traffic and figures --------------------------------------------------------

interface Send {
  /** Wall clock (epoch ms) the request was sent. */
  readonly sentAtMs: number;
  readonly position: string;
  readonly events: number;
}

async function postEvents(pulse: PulseProcess, events: readonly WireInteraction[]): Promise<Send[]> {
  const sends: Send[] = [];
  for (let i = 0; i < events.length; i += 200) {
    const chunk = events.slice(i, i + 200);
    const sentAtMs = Date.now();
    const body = await ok(pulse, 'POST', '/v1/events', 'ingest', { events: chunk });
    sends.push({ sentAtMs, position: String(body.position), events: chunk.length });
  }
  return sends;
}

async function hitRate(pulse: PulseProcess, cases: readonly NextItemCase[], after: string): Promise<Omit<BatchFigure, 'batch' | 'afterShift'>> {
  let hits = 0;
  let modelHits = 0;
  const servedBy = new Map<string, number>();
  const queue = [...cases];
  const hit = async (shopperId: string, target: string, strategy: 'auto' | 'model') => {
    const query = `limit=10&diversity=0&exploration=0&strategy=${strategy}&after=${after}`;
    const body = await ok(pulse, 'GET', `/v1/shoppers/${encodeURIComponent(shopperId)}/recommendations?${query}`, 'read');
    if (strategy === 'auto') {
      const by = String(body.modelVersion ?? body.strategy);
      servedBy.set(by, (servedBy.get(by) ?? 0) + 1);
    }
    return (body.items as { itemId: string }[]).some((item) => item.itemId === target);
  };
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (await hit(next.shopperId, next.target, 'auto')) hits++;
      if (await hit(next.shopperId, next.target, 'model')) modelHits++;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const top = [...servedBy.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const rate = (n: number) => (cases.length > 0 ? n / cases.length : Number.NaN);
  return { cases: cases.length, hits, hr10: rate(hits), modelHits, modelHr10: rate(modelHits), ...(top && { servedBy: top }) };
}

const pooled = (figures: readonly BatchFigure[], field: 'hits' | 'modelHits' = 'hits') => {
  const cases = figures.reduce((n, f) => n + f.cases, 0);
  return cases > 0 ? figures.reduce((n, f) => n + f[field], 0) / cases : Number.NaN;
};

interface ModelUpdate {
  readonly swapped: boolean;
  readonly reason: string;
  readonly toPosition: bigint;
  readonly recordedAtMs: number;
}

async function modelUpdates(pulse: PulseProcess): Promise<ModelUpdate[]> {
  const { body } = await pulse.request('GET', `/v1/admin/streams/model-${MODEL}?limit=1000`, { key: 'admin' });
  return (body.events as { type: string; recordedAt: string; data: { swapped: boolean; reason: string; toPosition: string } }[])
    .filter((e) => e.type === 'ModelIncrementallyUpdated')
    .map((e) => ({ swapped: e.data.swapped, reason: e.data.reason, toPosition: BigInt(e.data.toPosition), recordedAtMs: Date.parse(e.recordedAt) }));
}

/**
 * Per event, send -> the swap of the first update that covered its request
 * (the update whose range reaches the request's position). Requests first
 * covered by an update that was not swapped in never changed the weights
 * directly and are left out.
 */
function eventToWeights(sends: readonly Send[], updates: readonly ModelUpdate[]): number[] {
  const ordered = [...updates].sort((a, b) => (a.toPosition < b.toPosition ? -1 : 1));
  const out: number[] = [];
  for (const send of sends) {
    const covering = ordered.find((u) => u.toPosition >= BigInt(send.position));
    if (!covering?.swapped) continue;
    for (let i = 0; i < send.events; i++) out.push(covering.recordedAtMs - send.sentAtMs);
  }
  return out;
}

function byTrigger(arrivals: readonly SseArrival[]): Record<string, LatencySummary> {
  const out: Record<string, number[]> = {};
  for (const a of arrivals) (out[a.trigger] ??= []).push(a.deliveryMs);
  return Object.fromEntries(Object.entries(out).map(([trigger, ms]) => [trigger, summarise(ms)]));
}

// ---- waiting ---------------------------------------------------------------------------

async function untilTrained(pulse: PulseProcess, timeoutS: number): Promise<void> {
  await until(async () => {
    const status = (await pulse.request('GET', '/v1/admin/learning', { key: 'admin' })).body.trainers[0];
    return status.buffered === 0 && status.inTraining === 0 && status.state !== 'training';
  }, timeoutS * 1000, 'the trainer to take the batch in');
}

async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

async function ok(pulse: PulseProcess, method: string, path: string, role: Role, body?: unknown): Promise<any> {
  const response = await pulse.request(method, path, { key: role, ...(body !== undefined && { body }), timeoutMs: 120_000 });
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 400)}`);
  return response.body;
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * GET recommendations at a steady rate for shoppers of the history, each
 * tagged with whether the trainer was training when it was sent and when it
 * came back (a status poll every 100 ms; a request overlapping any training
 * counts as "while training").
 */
class LatencyProbe {
  readonly samples: { ms: number; training: boolean }[] = [];
  errors = 0;
  private running = false;
  private loops: Promise<void>[] = [];
  private training = false;
  private readonly shoppers: string[];
  private next = 0;

  constructor(
    private readonly pulse: PulseProcess,
    history: readonly WireInteraction[],
    private readonly rate: number,
    seed: number,
  ) {
    const ids = [...new Set(history.map((e) => e.shopperId))].sort();
    // A fixed, seeded rotation: both arms probe the same shoppers in the same order.
    this.shoppers = ids.map((id, i) => ids[(i * 7919 + seed) % ids.length]!);
  }

  start(): void {
    this.running = true;
    this.loops = [this.pollStatus(), this.fire()];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async pollStatus(): Promise<void> {
    while (this.running) {
      const status = await this.pulse.request('GET', '/v1/admin/learning', { key: 'admin' }).catch(() => undefined);
      this.training = status?.body?.trainers?.[0]?.state === 'training';
      await sleep(100);
    }
  }

  private async fire(): Promise<void> {
    const gap = 1000 / this.rate;
    while (this.running) {
      const shopperId = this.shoppers[this.next++ % this.shoppers.length]!;
      const trainingAtStart = this.training;
      const t = now();
      const response = await this.pulse
        .request('GET', `/v1/shoppers/${encodeURIComponent(shopperId)}/recommendations?limit=10`, { key: 'read' })
        .catch(() => undefined);
      const ms = now() - t;
      if (response?.status === 200) this.samples.push({ ms, training: trainingAtStart || this.training });
      else this.errors++;
      await sleep(Math.max(0, gap - ms));
    }
  }
}
