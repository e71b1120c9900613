export type ProjectionState =
  /** Reading the log from its checkpoint, behind the head. */
  | 'catching_up'
  /** At the head, applying events as they are committed. */
  | 'live'
  | 'paused'
  /** Stopped at an event its handler could not apply; needs a fix and a rebuild or resume. */
  | 'failed'
  /** The store was unreachable; resubscribing with backoff. */
  | 'retrying'
  | 'stopped';

export interface ProjectionFailure {
  readonly position: string;
  readonly streamId: string;
  readonly eventType: string;
  readonly error: string;
  readonly at: string;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  /** `serving` answers reads; `rebuilding` is the next version catching up. */
  readonly role: 'serving' | 'rebuilding';
  readonly state: ProjectionState;
  /** Global position of the last event applied (as a string); null before the first. */
  readonly checkpoint: string | null;
  readonly eventsApplied: number;
  /** Over the last few seconds. */
  readonly eventsPerSecond: number;
  readonly failure?: ProjectionFailure;
}
