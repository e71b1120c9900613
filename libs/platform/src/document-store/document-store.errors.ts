/** Base class so callers can tell document store errors from bugs. */
export abstract class DocumentStoreError extends Error {
  abstract readonly code: 'invalid' | 'unavailable';
}

/**
 * The call itself is malformed: a collection name or field path that is not
 * an identifier, an unknown filter operator, a document that is not plain
 * JSON, a position out of range. Raised before anything is written.
 */
export class InvalidDocumentStoreInputError extends DocumentStoreError {
  readonly code = 'invalid' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidDocumentStoreInputError';
  }
}

/** The backend could not be reached (after the adapter's own retries). */
export class DocumentStoreUnavailableError extends DocumentStoreError {
  readonly code = 'unavailable' as const;
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'DocumentStoreUnavailableError';
  }
}
