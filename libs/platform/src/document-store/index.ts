export * from './document-store.port';
export * from './document-store.errors';
export { MongoDocumentStore } from './mongo-document-store.adapter';
export type {
  MongoDocumentStoreConnectOptions,
  MongoDocumentStoreOptions,
} from './mongo-document-store.adapter';
export { SqliteDocumentStore } from './sqlite-document-store.adapter';
export type { SqliteDocumentStoreOptions } from './sqlite-document-store.adapter';
