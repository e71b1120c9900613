import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { EventBus, ofType } from '@nestjs/cqrs';
import { EventCommitted } from '@pulse/platform/nest/event-bus-relay';
import { defer, filter, finalize, map, type Observable, share, Subject, takeUntil } from 'rxjs';
import type { RecommendationsRefreshedData } from './recommendations-refreshed.event';

/** A refreshed list as it left the log, with where it is in the log. */
export interface RefreshedList {
  readonly position: string;
  readonly data: RecommendationsRefreshedData;
}

/**
 * RecommendationsRefreshed events from the committed log (through the event
 * bus relay, so only what was stored is sent), shared by every SSE client.
 */
@Injectable()
export class RecommendationsFeed implements OnModuleDestroy {
  private readonly stop$ = new Subject<void>();
  private readonly all$: Observable<RefreshedList>;
  /** Open subscriptions per shopper: interest shifts refresh lists someone is waiting for. */
  private readonly followers = new Map<string, number>();

  constructor(bus: EventBus) {
    this.all$ = bus.pipe(
      ofType(EventCommitted),
      filter((e) => e.event.type === 'RecommendationsRefreshed'),
      map((e) => ({ position: e.event.position.toString(), data: e.event.data as RecommendationsRefreshedData })),
      takeUntil(this.stop$),
      share(),
    );
  }

  forShopper(shopperId: string): Observable<RefreshedList> {
    return defer(() => {
      this.followers.set(shopperId, (this.followers.get(shopperId) ?? 0) + 1);
      return this.all$.pipe(
        filter((list) => list.data.shopperId === shopperId),
        finalize(() => {
          const left = (this.followers.get(shopperId) ?? 1) - 1;
          if (left > 0) this.followers.set(shopperId, left);
          else this.followers.delete(shopperId);
        }),
      );
    });
  }

  /** Whether an SSE client (of this process) follows the shopper's lists now. */
  isFollowed(shopperId: string): boolean {
    return this.followers.has(shopperId);
  }

  onModuleDestroy(): void {
    this.stop$.next();
    this.stop$.complete();
  }
}
