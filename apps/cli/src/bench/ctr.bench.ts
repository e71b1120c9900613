import { forkSeed, SeededRandom } from '@pulse/testing/synthetic/shop/random';
import { catalogChangeRequest } from '@pulse/testing/synthetic/shop/wire';
import { machineInfo, type MachineInfo, now, progress, removeDir, sleep } from './bench-support';
import { type ServingPulse, startCaughtUp } from './catch-up';
import { type ArmFigures, armFigures } from './ctr-figures';
import { type Arm, type ServedList, SessionPlayer, type Tally } from './ctr-player';
import { bootstrapCtr } from './ctr-statistics';
import { nextSessions, playAll } from './ctr-visits';
import { KeepAliveClient } from './keep-alive-client';
import { prepareShop } from './serving-shop';

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
  /** Personalised arm − popular arm, CTR in absolute terms (cluster bootstrap, 95%). */
  readonly difference: { readonly ctr: number; readonly ctrCi95: [number, number] };
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

// ---- the service's own count ------------------------------------------------------------------

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
    const loadBefore = machineInfo().loadAverage1m;
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
    const loadAfter = machineInfo().loadAverage1m;

    progress('reading GET /v1/admin/metrics once serving_metrics has every event');
    const service = await serviceMetrics(pulseClient, serving.keys.admin, tally.lastPosition);
    const activeItems = service.catalog.activeItems;
    const random = new SeededRandom(forkSeed(config.seed, 'ctr-bootstrap'));
    const byArm = (arm: Arm) => tally.lists.filter((l) => l.arm === arm);
    const arms = {
      auto: armFigures(byArm('auto'), activeItems, random, config.bootstrapResamples),
      popular: armFigures(byArm('popular'), activeItems, random, config.bootstrapResamples),
    };
    const comparison = bootstrapCtr(
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
      difference: { ctr: comparison.difference.value, ctrCi95: comparison.difference.ci },
      ratio: {
        ctr: arms.auto.ctr / arms.popular.ctr,
        ctrCi95: comparison.ratio.ci,
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

