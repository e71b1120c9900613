import { Injectable } from '@nestjs/common';
import { type ICommand, type IEvent, ofType, Saga } from '@nestjs/cqrs';
import { EventCommitted } from '@pulse/platform/nest/event-bus-relay';
import { filter, interval, map, merge, type Observable, tap } from 'rxjs';
import { interactionOf } from './interaction';
import { LearningService } from './learning.service';
import { UpdateModelIncrementally } from './update-model-incrementally.command';

/** How often the age rule is checked when no event arrives. */
const TICK_MS = 250;

/**
 * Committed interactions -> the bounded buffer -> UpdateModelIncrementally
 * when the flush policy says so (count, age; never while training). Checked
 * on every interaction, on a tick, and when an update finishes.
 */
@Injectable()
export class LearningSaga {
  constructor(private readonly learning: LearningService) {}

  @Saga()
  learn = (events$: Observable<IEvent>): Observable<ICommand> =>
    merge(
      events$.pipe(
        ofType(EventCommitted),
        map((e) => interactionOf(e.event)),
        filter((i) => i !== undefined),
        tap((i) => this.learning.buffer.admit([i])),
      ),
      interval(TICK_MS),
      this.learning.idle$,
    ).pipe(
      map(() => this.learning.buffer.takeIfDue(Date.now(), this.learning.trainer.busy)),
      filter((due) => due !== undefined),
      map((due) => new UpdateModelIncrementally(this.learning.options.model, due.batch, due.dropped, due.why)),
    );
}
