import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { EventBus, ofType } from '@nestjs/cqrs';
import { EventCommitted } from '@pulse/platform/nest/event-bus-relay';
import { filter, map, type Observable, share, Subject, takeUntil } from 'rxjs';
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
    return this.all$.pipe(filter((list) => list.data.shopperId === shopperId));
  }

  onModuleDestroy(): void {
    this.stop$.next();
    this.stop$.complete();
  }
}
