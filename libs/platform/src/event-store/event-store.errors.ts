import type { ExpectedRevision } from './event-store.port';

/** Base class so callers can tell store errors from bugs. */
export abstract class EventStoreError extends Error {
  abstract readonly code: 'conflict' | 'unavailable' | 'not_found' | 'invalid';
}

/** The stream was not at the expected revision. `actual` is -1n for a stream with no events. */
export class WrongExpectedRevisionError extends EventStoreError {
  readonly code = 'conflict' as const;
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint,
  ) {
    super(
      `Append to stream '${streamId}' expected revision ${String(expected)} but the stream is at ${
        actual < 0n ? 'no_stream' : actual.toString()
      }`,
    );
    this.name = 'WrongExpectedRevisionError';
  }
}

/** The backend could not be reached (after the adapter's own retries). */
export class EventStoreUnavailableError extends EventStoreError {
  readonly code = 'unavailable' as const;
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'EventStoreUnavailableError';
  }
}

export class StreamNotFoundError extends EventStoreError {
  readonly code = 'not_found' as const;
  constructor(readonly streamId: string) {
    super(`Stream '${streamId}' not found`);
    this.name = 'StreamNotFoundError';
  }
}

/** The append itself is malformed (empty batch, duplicate ids within it, non-UUID id). */
export class InvalidAppendError extends EventStoreError {
  readonly code = 'invalid' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppendError';
  }
}
