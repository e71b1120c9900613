/**
 * The private read model `item_statistics_sessions`: per shopper session, the
 * recent items viewed and bought, which a new view or purchase is paired with
 * to build alsoViewed / alsoBought. Bounded to `sessionWindow` items each.
 */
export const ITEM_STATISTICS_SESSIONS = 'item_statistics_sessions';

export type SessionEntry = {
  readonly itemId: string;
  /** occurredAt, epoch ms. */
  readonly at: number;
  /**
   * Log position of the event that added it, as a decimal string (documents
   * hold no bigint). When an event is delivered again after a crash, the
   * handler pairs it only with entries older than itself, i.e. with the
   * session exactly as it was the first time.
   */
  readonly position: string;
};

export type SessionWindowDocument = {
  readonly shopperId: string;
  readonly sessionId: string;
  /** Distinct items, oldest first, the most recent `sessionWindow`. */
  readonly viewed: readonly SessionEntry[];
  readonly bought: readonly SessionEntry[];
  /** Latest occurredAt (ISO), so that a clean-up job can drop idle sessions. */
  readonly lastAt: string;
};

export type SessionList = 'viewed' | 'bought';

/**
 * `${shopperId}:${sessionId}` with ':' and '%' escaped in the shopper id, so
 * that shopper `a:b` + session `c` and shopper `a` + session `b:c` get
 * different keys.
 */
export function sessionKey(shopperId: string, sessionId: string): string {
  return `${shopperId.replace(/%/g, '%25').replace(/:/g, '%3A')}:${sessionId}`;
}

/** The session's items in `list` as they were before the event at `position`. */
export function entriesBefore(
  session: SessionWindowDocument | null,
  list: SessionList,
  position: bigint,
): SessionEntry[] {
  return (session?.[list] ?? []).filter((entry) => BigInt(entry.position) < position);
}

/** Adds (or moves to the newest place) an item, keeping the newest `window` items. */
export function withSessionItem(
  session: SessionWindowDocument | null,
  list: SessionList,
  entry: SessionEntry & {
    readonly shopperId: string;
    readonly sessionId: string;
    readonly occurredAt: string;
  },
  window: number,
): SessionWindowDocument {
  const base: SessionWindowDocument = session ?? {
    shopperId: entry.shopperId,
    sessionId: entry.sessionId,
    viewed: [],
    bought: [],
    lastAt: entry.occurredAt,
  };
  const item: SessionEntry = { itemId: entry.itemId, at: entry.at, position: entry.position };
  return {
    ...base,
    [list]: [...base[list].filter((other) => other.itemId !== entry.itemId), item].slice(-window),
    lastAt: Date.parse(entry.occurredAt) > Date.parse(base.lastAt) ? entry.occurredAt : base.lastAt,
  };
}
