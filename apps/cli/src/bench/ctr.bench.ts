import { coverage, gini } from '@pulse/recommendations/metrics/exposure';
import { forkSeed, SeededRandom } from '@pulse/testing/synthetic/shop/random';
import { DEFAULT_BEHAVIOUR } from '@pulse/testing/synthetic/shop/session.generator';
import type { SyntheticShop } from '@pulse/testing/synthetic/shop/synthetic-shop';
import {
  type CatalogChange,
  catalogChangeRequest,
  type WireInteraction,
} from '@pulse/testing/synthetic/shop/wire';
import {
  fmt,
  formatTable,
  type LatencySummary,
  machineInfo,
  type MachineInfo,
  now,
  progress,
  removeDir,
  sleep,
  summarise,
} from './bench-support';
import {
  bootstrapCtr,
  KeepAliveClient,
  type ListOutcome,
  loadAverage1m,
  prepareShop,
  type ServingPulse,
  startCaughtUp,
  wilsonInterval,
} from './serving-setup';

/**
 * `pulse bench ctr`: a closed-loop A/B test in a simulated shop. Pulse runs
 * (child process) on a shop written with history; then the shop's next
 * sessions are played against it in real time. Each time a shopper would see
 * a recommendation widget (at the start of a visit, and on some product
 * pages), the request is assigned at random, 50/50, to `strategy=auto`
 * (personalised; cold start for shoppers Pulse doesn't know) or
 * `strategy=popular`. The shop's click model decides which shown items the
 * shopper clicks, from their latent preferences and the position (examination
 * 1/log2(position + 2)); clicks are sent as views with
 * `attribution: {recommendationId, position}`, and some lead to a cart and a
 * purchase at the shop's own rates, attributed too. The shopper's own visit
 * (searches, views, carts, purchases as the shop generates them) is sent as
 * well, stamped with the wall clock, so profiles evolve while the test runs.
 *
 * Reported per arm, from this side: impressions, clicks, CTR with a cluster
 * bootstrap and a Wilson interval, the expected CTR under the click model
 * (the mean click probability of what was shown: the same comparison without
 * the click-draw noise), cart and purchase rates, catalog coverage and
 * exposure Gini. And what Pulse itself reports (GET /v1/admin/metrics), with
 * a check that it counted what was sent.
 */

export interface CtrBenchConfig {
  readonly items: number;
  /** Registered shoppers in the shop. */
  readonly shoppers: number;
  readonly eventsPerItem: number;
  /** Visits played against Pulse. */
  readonly sessions: number;
  /** Visits in progress at once (one shopper's visits never overlap). */
  readonly concurrency: number;
  /** Chance that a product view also shows a "you may also like" widget (context product:<id>). */
  readonly productWidgetShare: number;
  /** Items per recommendation request. */
  readonly limit: number;
  readonly bootstrapResamples: number;
  readonly seed: number;
  readonly catchUpTimeoutS: number;
}

export const CTR_DEFAULTS: CtrBenchConfig = {
  items: 5000,
  shoppers: 2500,
  eventsPerItem: 20,
  sessions: 1000,
  concurrency: 8,
  productWidgetShare: 0.25,
  limit: 10,
  bootstrapResamples: 2000,
  seed: 1,
  catchUpTimeoutS: 2 * 3600,
};

type Arm = 'auto' | 'popular';

interface ServedList extends ListOutcome {
  readonly arm: Arm;
  readonly strategy: string;
  readonly context: 'home' | 'product';
  readonly itemIds: readonly string[];
  readonly expectedClicks: number;
  readonly carts: number;
  readonly purchases: number;
  readonly ms: number;
}

export interface ArmFigures {
  readonly responses: number;
  readonly impressions: number;
  readonly clicks: number;
  readonly ctr: number;
  /** Cluster bootstrap over served lists, 95%. */
  readonly ctrCi95: [number, number];
  /** Binomial over impressions (ignores within-list correlation), 95%. */
  readonly ctrWilson95: [number, number];
  /** Mean click probability of the items shown, under the shop's click model. */
  readonly expectedCtr: number;
  readonly addToCarts: number;
  readonly addToCartRate: number;
  readonly purchases: number;
  readonly purchaseRate: number;
  readonly distinctItems: number;
  readonly coverage: number;
  readonly exposureGini: number;
  readonly latencyMs: LatencySummary;
}

interface ServiceStrategy {
  kind: string;
  strategy: string;
  modelVersion: string | null;
  responses: number;
  impressions: number;
  clicks: number;
  addToCarts: number;
  purchases: number;
  revenue: number;
  ctr: number;
  addToCartRate: number;
  purchaseRate: number;
}

interface ServiceMetrics {
  strategies: ServiceStrategy[];
  catalog: { activeItems: number; exposedItems: number; coverage: number; exposureGini: number };
}

export interface CtrBenchResult {
  readonly benchmark: 'ctr';
  readonly config: CtrBenchConfig;
  readonly machine: MachineInfo;
  readonly setup: {
    readonly interactions: number;
    readonly storedEvents: number;
    readonly writeSeconds: number;
    readonly readySeconds: number;
    readonly readyCpuSeconds?: number;
    readonly listenSeconds: number;
  };
  readonly run: {
    readonly sessions: number;
    readonly anonymousSessions: number;
    readonly seconds: number;
    readonly catalogChanges: number;
    readonly organicEvents: number;
    readonly attributedEvents: number;
    readonly rejectedEvents: Record<string, number>;
    readonly recommendationRequests: number;
    readonly recommendationErrors: number;
    readonly errorSamples: string[];
    readonly loadAverage1m: { readonly before: number; readonly after: number };
  };
  /** What this side sent and saw, per randomly assigned arm. */
  readonly arms: Record<Arm, ArmFigures>;
  /** The same, by the strategy Pulse said it served (auto splits into personalized and cold_start). */
  readonly byServedStrategy: Record<string, ArmFigures>;
  /** Personalised arm ÷ popular arm. */
  readonly ratio: {
    readonly ctr: number;
    readonly ctrCi95: [number, number];
    readonly expectedCtr: number;
    readonly addToCartRate: number;
    readonly purchaseRate: number;
  };
  /** GET /v1/admin/metrics at the end, and whether it counted what was sent. */
  readonly service: ServiceMetrics & {
    readonly check: {
      readonly impressionsSent: number;
      readonly impressionsCounted: number;
      readonly clicksSent: number;
      readonly clicksCounted: number;
      readonly cartsSent: number;
      readonly cartsCounted: number;
      readonly purchasesSent: number;
      readonly purchasesCounted: number;
    };
  };
}

// ---- the visits to play ---------------------------------------------------------------------

interface PlannedSession {
  readonly shopperId: string;
  readonly sessionId: string;
  readonly anonymous: boolean;
  readonly events: WireInteraction[];
}

/** Sim time after the last visit starts that is surely enough for every visit to end. */
const SESSION_TAIL_MS = 3 * 3_600_000;

/**
 * The shop's next `count` visits, each with its events in order, and every
 * catalog change in between (new items, stock), to be applied first so no
 * visit names an item Pulse doesn't know.
 */
function nextSessions(shop: SyntheticShop, count: number) {
  const sessions = new Map<string, PlannedSession>();
  const changes: CatalogChange[] = [];
  let lastStartAt = 0;
  for (;;) {
    const happening = shop.next();
    if (happening.kind === 'catalog') {
      changes.push(happening.change);
      continue;
    }
    const event = happening.event;
    let session = sessions.get(event.sessionId);
    if (!session) {
      if (sessions.size >= count) {
        if (happening.at > lastStartAt + SESSION_TAIL_MS) break;
        continue;
      }
      session = {
        shopperId: event.shopperId,
        sessionId: event.sessionId,
        anonymous: !event.shopperId.startsWith('customer-'),
        events: [],
      };
      sessions.set(event.sessionId, session);
      lastStartAt = happening.at;
    }
    session.events.push(event);
  }
  return { sessions: [...sessions.values()], changes };
}

// ---- playing them -----------------------------------------------------------------------------

interface Tally {
  lists: ServedList[];
  organic: number;
  attributed: number;
  rejected: Record<string, number>;
  recommendationErrors: number;
  errorSamples: string[];
  lastPosition: bigint;
}

class SessionPlayer {
  constructor(
    private readonly shop: SyntheticShop,
    private readonly client: KeepAliveClient,
    private readonly serving: ServingPulse,
    private readonly config: CtrBenchConfig,
    private readonly tally: Tally,
  ) {}

  async play(session: PlannedSession, index: number): Promise<void> {
    const random = new SeededRandom(forkSeed(this.config.seed, 'ctr-session', index));
    await this.widget(session, 'home', undefined, random);
    for (const event of session.events) {
      await this.send({ ...event, occurredAt: new Date().toISOString() }, 'organic');
      if (event.type === 'view' && random.chance(this.config.productWidgetShare)) {
        await this.widget(session, 'product', event.itemId, random);
      }
    }
  }

  /** One recommendation widget: ask, let the click model act on what is shown, send what follows. */
  private async widget(
    session: PlannedSession,
    context: 'home' | 'product',
    itemId: string | undefined,
    random: SeededRandom,
  ): Promise<void> {
    const arm: Arm = random.chance(0.5) ? 'auto' : 'popular';
    const ctx = context === 'home' ? 'home' : `product:${itemId}`;
    const path =
      `/v1/shoppers/${encodeURIComponent(session.shopperId)}/recommendations` +
      `?context=${encodeURIComponent(ctx)}&strategy=${arm}&limit=${this.config.limit}`;
    const sentAt = now();
    const answer = await this.client.get(path, this.serving.keys.read);
    const ms = now() - sentAt;
    if (answer.status !== 200) {
      this.tally.recommendationErrors++;
      if (this.tally.errorSamples.length < 5)
        this.tally.errorSamples.push(
          `${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`,
        );
      return;
    }
    const body = JSON.parse(answer.body.toString('utf8')) as {
      id: string;
      strategy: string;
      items: { itemId: string }[];
    };
    const itemIds = body.items.map((item) => item.itemId);
    let expectedClicks = 0;
    const clicked: { itemId: string; position: number }[] = [];
    for (const [position, id] of itemIds.entries()) {
      const p = this.shop.clickProbability(session.shopperId, id, position);
      expectedClicks += p;
      if (random.chance(p)) clicked.push({ itemId: id, position });
    }
    let carts = 0;
    let purchases = 0;
    for (const { itemId: id, position } of clicked) {
      const attribution = { recommendationId: body.id, position };
      const base = { shopperId: session.shopperId, sessionId: session.sessionId, attribution };
      await this.send(
        {
          ...base,
          eventId: random.uuid(),
          type: 'view',
          itemId: id,
          occurredAt: new Date().toISOString(),
        },
        'attributed',
      );
      // The shop's own rates: a viewed item is carted with chance 0.24·relevance², a cart checked out with 0.2.
      const relevance = this.shop.relevance(session.shopperId, id);
      const item = this.shop.catalog.item(id)!;
      if (
        item.stock > 0 &&
        random.chance(DEFAULT_BEHAVIOUR.cartAtFullRelevance * relevance * relevance)
      ) {
        await this.send(
          {
            ...base,
            eventId: random.uuid(),
            type: 'add_to_cart',
            itemId: id,
            quantity: 1,
            occurredAt: new Date().toISOString(),
          },
          'attributed',
        );
        carts++;
        if (random.chance(DEFAULT_BEHAVIOUR.checkout)) {
          await this.send(
            {
              ...base,
              eventId: random.uuid(),
              type: 'purchase',
              itemId: id,
              quantity: 1,
              price: item.price,
              currency: this.shop.catalog.currency,
              occurredAt: new Date().toISOString(),
            },
            'attributed',
          );
          purchases++;
        }
      }
    }
    this.tally.lists.push({
      arm,
      strategy: body.strategy,
      context,
      itemIds,
      impressions: itemIds.length,
      clicks: clicked.length,
      expectedClicks,
      carts,
      purchases,
      ms,
    });
  }

  private async send(
    event: Record<string, unknown>,
    kind: 'organic' | 'attributed',
  ): Promise<void> {
    const answer = await this.client.post('/v1/events', this.serving.pulse.ingestKey, event);
    if (answer.status !== 200 && answer.status !== 201 && answer.status !== 422) {
      throw new Error(
        `POST /v1/events answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 500)}`,
      );
    }
    const body = JSON.parse(answer.body.toString('utf8')) as {
      results?: { status: string; code?: string; reason?: string }[];
      position?: string;
    };
    const result = body.results?.[0];
    if (result?.status === 'accepted' || result?.status === 'duplicate') {
      if (kind === 'organic') this.tally.organic++;
      else this.tally.attributed++;
    } else {
      const code = `${kind} ${result?.code ?? answer.status}`;
      this.tally.rejected[code] = (this.tally.rejected[code] ?? 0) + 1;
    }
    if (body.position !== undefined && BigInt(body.position) > this.tally.lastPosition)
      this.tally.lastPosition = BigInt(body.position);
  }
}

/** Runs `sessions` with `concurrency` workers; one shopper's visits one after another, in order. */
async function playAll(
  sessions: readonly PlannedSession[],
  concurrency: number,
  play: (session: PlannedSession, index: number) => Promise<void>,
  onDone: (done: number) => void,
): Promise<void> {
  const queue = sessions.map((session, index) => ({ session, index }));
  const busy = new Set<string>();
  let wake: (() => void)[] = [];
  let done = 0;
  let failure: unknown;
  const worker = async () => {
    while (queue.length > 0 && failure === undefined) {
      const at = queue.findIndex(({ session }) => !busy.has(session.shopperId));
      if (at < 0) {
        await new Promise<void>((resolve) => wake.push(resolve));
        continue;
      }
      const [{ session, index }] = queue.splice(at, 1) as [
        { session: PlannedSession; index: number },
      ];
      busy.add(session.shopperId);
      try {
        await play(session, index);
      } catch (error) {
        failure ??= error;
      } finally {
        busy.delete(session.shopperId);
        done++;
        onDone(done);
        const waiting = wake;
        wake = [];
        for (const resolve of waiting) resolve();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure !== undefined) throw failure;
}

// ---- figures ------------------------------------------------------------------------------------

function armFigures(
  lists: readonly ServedList[],
  activeItems: number,
  random: SeededRandom,
  resamples: number,
): ArmFigures {
  const sum = (f: (l: ServedList) => number) => lists.reduce((s, l) => s + f(l), 0);
  const impressions = sum((l) => l.impressions);
  const clicks = sum((l) => l.clicks);
  const carts = sum((l) => l.carts);
  const purchases = sum((l) => l.purchases);
  const exposure = new Map<string, number>();
  for (const l of lists)
    for (const id of new Set(l.itemIds)) exposure.set(id, (exposure.get(id) ?? 0) + 1);
  const counts = [...exposure.values()];
  const zeros = Math.max(0, activeItems - counts.length);
  const boot = bootstrapCtr(lists, [], resamples, random);
  const rate = (n: number) => (impressions > 0 ? n / impressions : Number.NaN);
  return {
    responses: lists.length,
    impressions,
    clicks,
    ctr: rate(clicks),
    ctrCi95: boot.a.ci,
    ctrWilson95: wilsonInterval(clicks, impressions),
    expectedCtr: rate(sum((l) => l.expectedClicks)),
    addToCarts: carts,
    addToCartRate: rate(carts),
    purchases,
    purchaseRate: rate(purchases),
    distinctItems: counts.length,
    coverage: coverage(counts.length, activeItems),
    exposureGini: gini([...counts, ...new Array<number>(zeros).fill(0)]),
    latencyMs: summarise(lists.map((l) => l.ms)),
  };
}

async function serviceMetrics(
  client: KeepAliveClient,
  adminKey: string,
  after: bigint,
): Promise<ServiceMetrics> {
  // `after` makes Pulse wait (up to its read-after timeout) for serving_metrics to include every event sent.
  for (let attempt = 0; ; attempt++) {
    const answer = await client.get(
      `/v1/admin/metrics${after >= 0n ? `?after=${after}` : ''}`,
      adminKey,
    );
    if (answer.status === 200) return JSON.parse(answer.body.toString('utf8')) as ServiceMetrics;
    if (answer.status !== 504 || attempt >= 60) {
      throw new Error(
        `GET /v1/admin/metrics answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 500)}`,
      );
    }
    await sleep(1000);
  }
}

// ---- the run -------------------------------------------------------------------------------------

export async function runCtrBench(config: CtrBenchConfig): Promise<CtrBenchResult> {
  const machine = machineInfo();
  const prepared = await prepareShop({
    items: config.items,
    eventsPerItem: config.eventsPerItem,
    seed: config.seed,
    shoppers: config.shoppers,
  });
  let serving: ServingPulse | undefined;
  let pulseClient: KeepAliveClient | undefined;
  try {
    serving = await startCaughtUp(prepared.dataDir, prepared.head, {
      timeoutMs: config.catchUpTimeoutS * 1000,
    });
    pulseClient = new KeepAliveClient(serving.pulse.baseUrl, config.concurrency);
    const { shop } = prepared;
    const { sessions, changes } = nextSessions(shop, config.sessions);
    progress(
      `playing ${sessions.length} visits (${sessions.filter((s) => s.anonymous).length} anonymous, ` +
        `${sessions.reduce((n, s) => n + s.events.length, 0)} organic events) after ${changes.length} catalog changes`,
    );
    for (const change of changes) {
      const { method, path, body } = catalogChangeRequest(change);
      const answer = await pulseClient.request(method, path, serving.pulse.ingestKey, body);
      if (answer.status >= 300)
        throw new Error(
          `${method} ${path} answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 300)}`,
        );
    }

    const tally: Tally = {
      lists: [],
      organic: 0,
      attributed: 0,
      rejected: {},
      recommendationErrors: 0,
      errorSamples: [],
      lastPosition: -1n,
    };
    const player = new SessionPlayer(shop, pulseClient, serving, config, tally);
    const loadBefore = loadAverage1m();
    const started = now();
    let lastReport = now();
    await playAll(
      sessions,
      config.concurrency,
      (s, i) => player.play(s, i),
      (done) => {
        if (now() - lastReport < 10_000 && done < sessions.length) return;
        lastReport = now();
        const clicks = tally.lists.reduce((n, l) => n + l.clicks, 0);
        progress(
          `  ${done}/${sessions.length} visits, ${tally.lists.length} widgets shown, ${clicks} clicks, ${((now() - started) / 1000).toFixed(0)} s`,
        );
      },
    );
    const seconds = (now() - started) / 1000;
    const loadAfter = loadAverage1m();

    progress('reading GET /v1/admin/metrics once serving_metrics has every event');
    const service = await serviceMetrics(pulseClient, serving.keys.admin, tally.lastPosition);
    const activeItems = service.catalog.activeItems;
    const random = new SeededRandom(forkSeed(config.seed, 'ctr-bootstrap'));
    const byArm = (arm: Arm) => tally.lists.filter((l) => l.arm === arm);
    const arms = {
      auto: armFigures(byArm('auto'), activeItems, random, config.bootstrapResamples),
      popular: armFigures(byArm('popular'), activeItems, random, config.bootstrapResamples),
    };
    const ratioBoot = bootstrapCtr(
      byArm('auto'),
      byArm('popular'),
      config.bootstrapResamples,
      random,
    );
    const strategies = [...new Set(tally.lists.map((l) => l.strategy))].sort();
    const byServedStrategy = Object.fromEntries(
      strategies.map((s) => [
        s,
        armFigures(
          tally.lists.filter((l) => l.strategy === s),
          activeItems,
          random,
          config.bootstrapResamples,
        ),
      ]),
    );
    const recs = service.strategies.filter((s) => s.kind === 'recommendation');
    const total = (f: (s: ServiceStrategy) => number) => recs.reduce((n, s) => n + f(s), 0);
    const sent = (f: (l: ServedList) => number) => tally.lists.reduce((n, l) => n + f(l), 0);
    return {
      benchmark: 'ctr',
      config,
      machine,
      setup: {
        interactions: prepared.interactions,
        storedEvents: prepared.storedEvents,
        writeSeconds: prepared.writeSeconds,
        readySeconds: serving.readySeconds,
        ...(serving.readyCpuSeconds !== undefined && { readyCpuSeconds: serving.readyCpuSeconds }),
        listenSeconds: serving.listenSeconds,
      },
      run: {
        sessions: sessions.length,
        anonymousSessions: sessions.filter((s) => s.anonymous).length,
        seconds,
        catalogChanges: changes.length,
        organicEvents: tally.organic,
        attributedEvents: tally.attributed,
        rejectedEvents: tally.rejected,
        recommendationRequests: tally.lists.length + tally.recommendationErrors,
        recommendationErrors: tally.recommendationErrors,
        errorSamples: tally.errorSamples,
        loadAverage1m: { before: loadBefore, after: loadAfter },
      },
      arms,
      byServedStrategy,
      ratio: {
        ctr: arms.auto.ctr / arms.popular.ctr,
        ctrCi95: ratioBoot.ratio.ci,
        expectedCtr: arms.auto.expectedCtr / arms.popular.expectedCtr,
        addToCartRate: arms.auto.addToCartRate / arms.popular.addToCartRate,
        purchaseRate: arms.auto.purchaseRate / arms.popular.purchaseRate,
      },
      service: {
        ...service,
        check: {
          impressionsSent: sent((l) => l.impressions),
          impressionsCounted: total((s) => s.impressions),
          clicksSent: sent((l) => l.clicks),
          clicksCounted: total((s) => s.clicks),
          cartsSent: sent((l) => l.carts),
          cartsCounted: total((s) => s.addToCarts),
          purchasesSent: sent((l) => l.purchases),
          purchasesCounted: total((s) => s.purchases),
        },
      },
    };
  } catch (error) {
    if (serving && !serving.pulse.isAlive()) {
      throw new Error(
        `${(error as Error).message}\nPulse died during the benchmark. Its output:\n${serving.pulse.outputTail()}`,
      );
    }
    throw error;
  } finally {
    pulseClient?.close();
    await serving?.pulse.stop();
    removeDir(prepared.dataDir);
  }
}

// ---- report ---------------------------------------------------------------------------------------

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
