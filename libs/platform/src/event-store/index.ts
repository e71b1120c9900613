export * from './event-store.port';
export * from './event-store.errors';
export { validateAppend } from './event-store.validation';
export {
  SqliteEventStore,
  type SqliteEventStoreOptions,
  type StreamAppend,
} from './sqlite-event-store.adapter';
export {
  KurrentDbEventStore,
  type KurrentDbEventStoreOptions,
  type RetryPolicy,
} from './kurrentdb-event-store.adapter';
