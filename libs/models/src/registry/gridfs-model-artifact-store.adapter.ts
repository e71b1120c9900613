import { type Collection, type Db, GridFSBucket, MongoClient, ObjectId } from 'mongodb';
import type { ArtifactRef } from './model.events';
import {
  type ArtifactFiles,
  type ArtifactKey,
  artifactKeyString,
  ArtifactNotFoundError,
  type ModelArtifactStore,
  validateArtifact,
} from './model-artifact-store.port';

/** Which GridFS file holds each file of a version; written last, so it is the commit. */
interface ArtifactManifest {
  _id: string;
  model: string;
  version: number;
  /** Present for the learning loop's weights of the version. */
  increment?: number;
  files: Record<string, ObjectId>;
  storedAt: Date;
}

export interface GridFsArtifactStoreOptions {
  readonly uri: string;
  readonly dbName: string;
  readonly bucketName?: string;
  /** Stop retrying the first connect after this long (ms). Default 30000. */
  readonly connectDeadlineMs?: number;
}

/**
 * Artifacts in MongoDB GridFS (production, when MONGODB_URI is set). GridFS
 * stores files one by one, so a version is committed by a manifest document
 * written after all its files: a reader follows the manifest and sees the
 * whole old set or the whole new one. Files a crash left without a manifest
 * are unreachable and removed by the next put or delete of that version.
 */
export class GridFsModelArtifactStore implements ModelArtifactStore {
  readonly kind = 'gridfs' as const;
  private readonly bucket: GridFSBucket;
  private readonly manifests: Collection<ArtifactManifest>;

  /** Connects, retrying with backoff until the deadline: a MongoClient whose first connect failed stays closed. */
  static async connect(options: GridFsArtifactStoreOptions): Promise<GridFsModelArtifactStore> {
    const deadline = Date.now() + (options.connectDeadlineMs ?? 30_000);
    let delay = 250;
    for (let attempt = 1; ; attempt++) {
      const client = new MongoClient(options.uri, {
        serverSelectionTimeoutMS: Math.max(1, Math.min(5000, deadline - Date.now())),
      });
      try {
        await client.connect();
        await client.db(options.dbName).command({ ping: 1 });
        return new GridFsModelArtifactStore(client, client.db(options.dbName), options.bucketName);
      } catch (error) {
        await client.close().catch(() => undefined); // the attempt failed already
        if (Date.now() + delay >= deadline) {
          throw new Error(
            `model artifacts: could not connect to MongoDB (database ${options.dbName}) after ${attempt} attempt(s): ${(error as Error).message}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  constructor(
    private readonly client: MongoClient,
    db: Db,
    bucketName = 'model_artifacts',
  ) {
    this.bucket = new GridFSBucket(db, { bucketName });
    this.manifests = db.collection<ArtifactManifest>(`${bucketName}.manifests`);
  }

  async put(key: ArtifactKey, files: ArtifactFiles): Promise<ArtifactRef> {
    validateArtifact(key, files);
    const id = artifactKeyString(key);
    const ids: Record<string, ObjectId> = {};
    for (const [name, bytes] of Object.entries(files)) {
      ids[name] = await this.upload(`${id}/${name}`, bytes, key);
    }
    await this.manifests.replaceOne(
      { _id: id },
      {
        model: key.model,
        version: key.version,
        ...(key.increment !== undefined && { increment: key.increment }),
        files: ids,
        storedAt: new Date(),
      },
      { upsert: true },
    );
    await this.removeUnreferenced(key, new Set(Object.values(ids).map(String)));
    return { store: 'gridfs', key: id };
  }

  async get(key: ArtifactKey): Promise<Record<string, Uint8Array>> {
    validateArtifact(key);
    const manifest = await this.manifests.findOne({ _id: artifactKeyString(key) });
    if (!manifest) throw new ArtifactNotFoundError(key);
    const out: Record<string, Uint8Array> = {};
    for (const name of Object.keys(manifest.files).sort()) {
      out[name] = await this.download(manifest.files[name]!);
    }
    return out;
  }

  async delete(key: ArtifactKey): Promise<boolean> {
    validateArtifact(key);
    // The manifest goes first: from then on the version is gone for readers.
    const removed = await this.manifests.deleteOne({ _id: artifactKeyString(key) });
    const orphans = await this.removeUnreferenced(key, new Set());
    return removed.deletedCount > 0 || orphans > 0;
  }

  async increments(model: string, version: number): Promise<number[]> {
    validateArtifact({ model, version });
    const manifests = await this.manifests
      .find({ model, version, increment: { $exists: true } }, { projection: { increment: 1 } })
      .toArray();
    return manifests.map((m) => m.increment!).sort((a, b) => a - b);
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private upload(filename: string, bytes: Uint8Array, key: ArtifactKey): Promise<ObjectId> {
    return new Promise((resolve, reject) => {
      const stream = this.bucket.openUploadStream(filename, {
        metadata: { model: key.model, version: key.version, ...(key.increment !== undefined && { increment: key.increment }) },
      });
      stream.once('error', reject);
      stream.once('finish', () => resolve(stream.id));
      stream.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
  }

  private async download(id: ObjectId): Promise<Uint8Array> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.bucket.openDownloadStream(id)) chunks.push(chunk as Buffer);
    const all = Buffer.concat(chunks);
    return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
  }

  /**
   * Deletes this version's (or increment's) GridFS files that the manifest does not point at
   * (replaced or orphaned). A version's files have no `metadata.increment` (null matches a missing
   * field), so cleaning a version never takes its increments' files, nor the other way round.
   */
  private async removeUnreferenced(key: ArtifactKey, keep: ReadonlySet<string>): Promise<number> {
    const files = await this.bucket
      .find({ 'metadata.model': key.model, 'metadata.version': key.version, 'metadata.increment': key.increment ?? null })
      .toArray();
    let removed = 0;
    for (const file of files) {
      if (keep.has(String(file._id))) continue;
      await this.bucket.delete(file._id);
      removed++;
    }
    return removed;
  }
}
