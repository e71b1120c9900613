/**
 * Metadata stored with every event. Field names are part of the contract with
 * internal services that subscribe to the log (docs/events.md).
 */
export interface EventMetadata {
  /** Ties together every event caused by one request. */
  readonly correlationId: string;
  /** The event or request id that directly caused this event. */
  readonly causationId: string;
  /** The id the shop's client gave the event, when it came from a client. */
  readonly clientEventId?: string;
  /** When it happened, by the client's clock (ISO 8601). */
  readonly occurredAt: string;
  /** When Pulse received it (ISO 8601). */
  readonly receivedAt: string;
  /** Version of the payload schema the event was written with. */
  readonly schemaVersion: number;
}
