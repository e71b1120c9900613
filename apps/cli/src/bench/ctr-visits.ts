import type { SyntheticShop } from '@pulse/testing/synthetic/shop/synthetic-shop';
import type { CatalogChange, WireInteraction } from '@pulse/testing/synthetic/shop/wire';

/** The simulated shop's next visits for `bench ctr`, and playing them with bounded concurrency. */

export interface PlannedSession {
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
export function nextSessions(shop: SyntheticShop, count: number) {
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


export async function playAll(
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

