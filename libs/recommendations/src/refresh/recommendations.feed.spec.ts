import type { EventBus } from '@nestjs/cqrs';
import type { ProjectedEvent } from '@pulse/platform/projections/projection';
import { EventCommitted } from '@pulse/platform/nest/event-bus-relay';
import { Subject } from 'rxjs';
import type { RefreshedList } from './recommendations.feed';
import { RecommendationsFeed } from './recommendations.feed';

const refreshed = (shopperId: string, position: bigint) =>
  new EventCommitted({ type: 'RecommendationsRefreshed', position, data: { shopperId } } as unknown as ProjectedEvent);

describe('RecommendationsFeed', () => {
  it('given two clients of one shopper, when they leave one by one, then the shopper is followed until the last leaves', () => {
    const bus = new Subject<unknown>();
    const feed = new RecommendationsFeed(bus as unknown as EventBus);
    const first = feed.forShopper('s-1').subscribe();
    const second = feed.forShopper('s-1').subscribe();
    expect(feed.isFollowed('s-1')).toBe(true);
    expect(feed.isFollowed('s-2')).toBe(false);

    first.unsubscribe();
    expect(feed.isFollowed('s-1')).toBe(true);
    second.unsubscribe();
    expect(feed.isFollowed('s-1')).toBe(false);
    feed.onModuleDestroy();
  });

  it("given refreshes of several shoppers, when a client follows one, then it gets only that shopper's lists", () => {
    const bus = new Subject<unknown>();
    const feed = new RecommendationsFeed(bus as unknown as EventBus);
    const got: RefreshedList[] = [];
    const subscription = feed.forShopper('s-1').subscribe((list) => got.push(list));

    bus.next(refreshed('s-2', 7n));
    bus.next(refreshed('s-1', 9n));

    expect(got.map((l) => [l.data.shopperId, l.position])).toEqual([['s-1', '9']]);
    subscription.unsubscribe();
    feed.onModuleDestroy();
  });
});
