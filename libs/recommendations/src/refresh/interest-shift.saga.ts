import { Injectable } from '@nestjs/common';
import { type ICommand, type IEvent, ofType, Saga } from '@nestjs/cqrs';
import { EventCommitted } from '@pulse/platform/nest/event-bus-relay';
import { bufferTime, filter, map, type Observable } from 'rxjs';
import { CheckInterestShifts } from './refresh-recommendations.command';

const INTEREST_EVENTS = new Set(['ShopperViewedItem', 'ShopperAddedItemToCart', 'ShopperPurchasedItem', 'ShopperSearched']);
/** Coalesces a shopper's burst of events into one check. */
const WINDOW_MS = 1_000;

/** Shoppers who just acted, a second at a time -> one interest-shift check for them. */
@Injectable()
export class InterestShiftSaga {
  @Saga()
  interestShifts = (events$: Observable<IEvent>): Observable<ICommand> =>
    events$.pipe(
      ofType(EventCommitted),
      filter((e) => INTEREST_EVENTS.has(e.event.type)),
      bufferTime(WINDOW_MS),
      filter((batch) => batch.length > 0),
      map(
        (batch) =>
          new CheckInterestShifts(
            [...new Set(batch.map((e) => String(e.event.data.shopperId)))],
            batch[batch.length - 1]!.event.position.toString(),
          ),
      ),
    );
}
