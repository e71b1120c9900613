import type {
  CollectionWrites,
  DocumentStore,
  DocumentWrite,
} from '../document-store/document-store.port';
import type { DocumentFields, ProjectionTransaction, Reducer } from './projection';

/** One document as the batch knows it: loaded, then maybe changed by this batch's events. */
export interface TrackedDocument {
  doc: DocumentFields | null;
  /** Position of the last event applied to it; -1n when it has none. */
  position: bigint;
  dirty: boolean;
}

/**
 * Collects the document changes of one batch of events. Reads see the
 * batch's own earlier changes; nothing reaches the store until the runner
 * commits `writes()` together with the checkpoint.
 */
export class ProjectionBatch implements ProjectionTransaction {
  private readonly tracked = new Map<string, Map<string, TrackedDocument>>();
  private eventPosition = -1n;

  constructor(
    private readonly docs: DocumentStore,
    /** Logical read model → physical collection of the version being built. */
    private readonly collectionOf: (readModel: string) => string,
    /** Documents already known from earlier batches (the runner's write-through cache). */
    private readonly cached: (collection: string, id: string) => TrackedDocument | undefined,
  ) {}

  /** Sets the event that subsequent `update` calls apply. */
  forEvent(position: bigint): this {
    this.eventPosition = position;
    return this;
  }

  async get<Doc extends DocumentFields>(readModel: string, id: string): Promise<Doc | null> {
    return (await this.load(readModel, id)).doc as Doc | null;
  }

  async update<Doc extends DocumentFields>(readModel: string, id: string, reducer: Reducer<Doc>): Promise<void> {
    const entry = await this.load(readModel, id);
    // The idempotency rule: a document that has seen this event (or a later one) is left alone.
    if (entry.position >= this.eventPosition) return;
    entry.doc = reducer(entry.doc as Doc | null);
    entry.position = this.eventPosition;
    entry.dirty = true;
  }

  get size(): number {
    let n = 0;
    for (const docs of this.tracked.values()) n += docs.size;
    return n;
  }

  /** The changed documents, grouped by physical collection. */
  writes(): CollectionWrites[] {
    const out: CollectionWrites[] = [];
    for (const [collection, docs] of this.tracked) {
      const writes: DocumentWrite[] = [];
      for (const [id, entry] of docs) {
        if (!entry.dirty) continue;
        writes.push(entry.doc === null ? { op: 'delete', id } : { op: 'put', id, doc: entry.doc });
      }
      if (writes.length > 0) out.push({ collection, writes });
    }
    return out;
  }

  /** Every document this batch touched, for the runner's cache after a successful commit. */
  *entries(): Generator<[collection: string, id: string, entry: TrackedDocument]> {
    for (const [collection, docs] of this.tracked) {
      for (const [id, entry] of docs) yield [collection, id, entry];
    }
  }

  private async load(readModel: string, id: string): Promise<TrackedDocument> {
    const collection = this.collectionOf(readModel);
    let docs = this.tracked.get(collection);
    if (!docs) this.tracked.set(collection, (docs = new Map()));
    let entry = docs.get(id);
    if (entry) return entry;
    const known = this.cached(collection, id);
    if (known) {
      entry = { doc: known.doc, position: known.position, dirty: false };
    } else {
      const stored = await this.docs.get(collection, id);
      if (stored) {
        const { _id: _ignored, _position, ...fields } = stored;
        entry = { doc: fields, position: _position, dirty: false };
      } else {
        entry = { doc: null, position: -1n, dirty: false };
      }
    }
    docs.set(id, entry);
    return entry;
  }
}
