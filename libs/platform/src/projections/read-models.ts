import type {
  DocumentFilter,
  DocumentStore,
  FindOptions,
  StoredDocument,
} from '../document-store/document-store.port';
import type { ProjectionManager } from './projection-manager';

/**
 * How request handlers read projected state: by logical read model name,
 * always from the version that serves now, optionally after waiting for the
 * projections to reach a position the client got from a write
 * (read-your-writes).
 */
/** Reading read models by logical name: what adapters over read models depend on. */
export interface ReadModelReader {
  get(readModel: string, id: string): Promise<StoredDocument | null>;
  getMany(readModel: string, ids: readonly string[]): Promise<Map<string, StoredDocument>>;
  find(readModel: string, filter: DocumentFilter, options?: FindOptions): Promise<StoredDocument[]>;
  count(readModel: string, filter?: DocumentFilter): Promise<number>;
}

/** Reads collections named exactly like the read models (tests, tools). */
export function unversionedReader(docs: DocumentStore): ReadModelReader {
  return {
    get: (readModel, id) => docs.get(readModel, id),
    getMany: (readModel, ids) => docs.getMany(readModel, ids),
    find: (readModel, filter, options) => docs.find(readModel, filter, options),
    count: (readModel, filter) => docs.count(readModel, filter),
  };
}

export class ReadModels implements ReadModelReader {
  constructor(
    private readonly manager: ProjectionManager,
    private readonly docs: DocumentStore,
    private readonly defaultWaitMs: number,
  ) {}

  /** Waits (bounded) until the read models include everything up to `after`. No-op without it. */
  async catchUp(after: bigint | undefined, readModels: readonly string[], timeoutMs = this.defaultWaitMs): Promise<void> {
    if (after === undefined) return;
    await this.manager.waitFor(after, readModels, timeoutMs);
  }

  get(readModel: string, id: string): Promise<StoredDocument | null> {
    return this.docs.get(this.manager.collectionFor(readModel), id);
  }

  getMany(readModel: string, ids: readonly string[]): Promise<Map<string, StoredDocument>> {
    return this.docs.getMany(this.manager.collectionFor(readModel), ids);
  }

  find(readModel: string, filter: DocumentFilter, options?: FindOptions): Promise<StoredDocument[]> {
    return this.docs.find(this.manager.collectionFor(readModel), filter, options);
  }

  count(readModel: string, filter?: DocumentFilter): Promise<number> {
    return this.docs.count(this.manager.collectionFor(readModel), filter);
  }
}

export const READ_MODELS = Symbol('READ_MODELS');
export const PROJECTION_MANAGER = Symbol('PROJECTION_MANAGER');
