import { forkSeed, SeededRandom } from '@pulse/testing/synthetic/shop/random';
import { DEFAULT_BEHAVIOUR } from '@pulse/testing/synthetic/shop/session.generator';
import type { SyntheticShop } from '@pulse/testing/synthetic/shop/synthetic-shop';
import { now } from './bench-support';
import type { ServingPulse } from './catch-up';
import type { ListOutcome } from './ctr-statistics';
import type { PlannedSession } from './ctr-visits';
import type { KeepAliveClient } from './keep-alive-client';

/**
 * Plays one visit of the simulated shop against Pulse: the shopper's own
 * events, and recommendation widgets (randomly assigned to an arm) whose
 * shown items the shop's click model clicks, with attributed follow-ups.
 */

export type Arm = 'auto' | 'popular';

export interface PlayerConfig {
  readonly seed: number;
  readonly limit: number;
  /** Chance that a product view also shows a "you may also like" widget (context product:<id>). */
  readonly productWidgetShare: number;
}

export interface ServedList extends ListOutcome {
  readonly arm: Arm;
  readonly strategy: string;
  readonly context: 'home' | 'product';
  readonly itemIds: readonly string[];
  readonly expectedClicks: number;
  readonly carts: number;
  readonly purchases: number;
  readonly ms: number;
}

export interface Tally {
  lists: ServedList[];
  organic: number;
  attributed: number;
  rejected: Record<string, number>;
  recommendationErrors: number;
  errorSamples: string[];
  lastPosition: bigint;
}

export class SessionPlayer {
  constructor(
    private readonly shop: SyntheticShop,
    private readonly client: KeepAliveClient,
    private readonly serving: ServingPulse,
    private readonly config: PlayerConfig,
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
    const answer = await this.client.request('POST', '/v1/events', this.serving.pulse.ingestKey, event);
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
