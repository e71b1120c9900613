import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { PULSE_CONFIG, type PulseConfig } from '../config/pulse-config';
import { DOCUMENT_STORE, type DocumentStore } from '../document-store/document-store.port';
import { MongoDocumentStore } from '../document-store/mongo-document-store.adapter';
import { SqliteDocumentStore } from '../document-store/sqlite-document-store.adapter';
import { EventRegistry } from '../events/event-registry';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import { KurrentDbEventStore } from '../event-store/kurrentdb-event-store.adapter';
import { SqliteEventStore } from '../event-store/sqlite-event-store.adapter';
import { API_KEYS, ApiKeyGuard } from '../http/api-key.guard';
import { resolveApiKeys } from '../http/api-keys';
import { ProblemResponseFilter } from '../http/problem-response.filter';
import { PulseMetrics } from '../observability/metrics';

export const DATA_DIR = Symbol('DATA_DIR');

/**
 * Infrastructure every bounded context shares: validated config, the event
 * store (EventStoreDB when EVENTSTORE_URL is set, else SQLite under the data
 * directory), the event type registry, API-key auth and the error format.
 */
@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(DOCUMENT_STORE) private readonly docs: DocumentStore,
  ) {}

  static forRoot(config: PulseConfig): DynamicModule {
    return {
      module: PlatformModule,
      providers: [{ provide: PULSE_CONFIG, useValue: config }, ...infrastructure],
      exports: [PULSE_CONFIG, DATA_DIR, EVENT_STORE, DOCUMENT_STORE, EventRegistry, API_KEYS, PulseMetrics],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.events.close(), this.docs.close()]);
  }
}

const infrastructure = [
  {
      provide: DATA_DIR,
      inject: [PULSE_CONFIG],
      useFactory: (config: PulseConfig) => {
        const dir = resolve(config.PULSE_DATA_DIR);
        mkdirSync(dir, { recursive: true });
        return dir;
      },
    },
    {
      provide: EVENT_STORE,
      inject: [PULSE_CONFIG, DATA_DIR],
      useFactory: (config: PulseConfig, dataDir: string): EventStore => {
        const logger = new Logger('EventStore');
        if (config.EVENTSTORE_URL) {
          logger.log('events: EventStoreDB/KurrentDB (EVENTSTORE_URL)');
          return new KurrentDbEventStore(config.EVENTSTORE_URL);
        }
        const file = join(dataDir, 'events.db');
        logger.log(`events: embedded SQLite at ${file}`);
        return new SqliteEventStore(file, { synchronous: config.PULSE_SQLITE_SYNCHRONOUS });
      },
    },
    {
    provide: DOCUMENT_STORE,
    inject: [PULSE_CONFIG, DATA_DIR],
    useFactory: async (config: PulseConfig, dataDir: string): Promise<DocumentStore> => {
      const logger = new Logger('DocumentStore');
      if (config.MONGODB_URI) {
        logger.log(`read models: MongoDB database '${config.MONGODB_DB}' (MONGODB_URI)`);
        // Retries the first connect with backoff: a MongoClient whose first connect failed stays closed.
        return MongoDocumentStore.connect({ uri: config.MONGODB_URI, dbName: config.MONGODB_DB });
      }
      // A file of its own: SQLite has one writer per file, and ingestion
      // should not queue behind projection batches.
      const file = join(dataDir, 'read-models.db');
      logger.log(`read models: embedded SQLite at ${file}`);
      return new SqliteDocumentStore(file);
    },
  },
  { provide: EventRegistry, useFactory: () => new EventRegistry() },
    {
      provide: API_KEYS,
      inject: [PULSE_CONFIG, DATA_DIR],
      useFactory: (config: PulseConfig, dataDir: string) => {
        const resolved = resolveApiKeys(
          {
            admin: config.PULSE_ADMIN_KEY,
            ingest: config.PULSE_INGEST_KEY,
            read: config.PULSE_READ_KEY,
          },
          join(dataDir, 'api-keys.json'),
        );
        if (resolved.generated.length > 0) {
          // Printed once, on the start that generated them; later starts read the file.
          const lines = resolved.generated.map((role) => `  ${role.padEnd(6)} ${resolved.keys[role]}`);
          process.stdout.write(
            `\nGenerated API keys (kept in ${resolved.file}; set PULSE_*_KEY to choose your own):\n${lines.join('\n')}\n\n`,
          );
        }
        return resolved.keys;
      },
    },
    PulseMetrics,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_FILTER, useClass: ProblemResponseFilter },
];
