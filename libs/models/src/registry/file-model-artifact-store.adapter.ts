import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import type { ArtifactRef } from './model.events';
import {
  type ArtifactFiles,
  type ArtifactKey,
  artifactKeyString,
  ArtifactNotFoundError,
  type ModelArtifactStore,
  validateArtifact,
} from './model-artifact-store.port';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';
/** `<version>`, or `<version>+<increment>` for the learning loop's weights of that version. */
const entryName = (key: ArtifactKey) => (key.increment === undefined ? String(key.version) : `${key.version}+${key.increment}`);

/**
 * Artifacts as files (the embedded default, root = `<data dir>/models`):
 * `<root>/<model>/<version>` is a symlink to an immutable directory
 * `.v<version>-<random>` holding the files (an increment of a version:
 * `<version>+<increment>` and `.v<version>+<increment>-<random>`), so tfjs tools can read
 * `<model>/<version>/model.json` directly. A put writes a new directory and
 * swaps the link with one rename; a reader resolves the link once and reads
 * that directory, so it sees the old set or the new one, never a mix (a
 * plain directory rename leaves a window with no directory, and a reader
 * listing one directory could read files of the next).
 */
export class FileModelArtifactStore implements ModelArtifactStore {
  readonly kind = 'files' as const;

  constructor(private readonly root: string) {}

  private link(key: ArtifactKey): string {
    return join(this.root, key.model, entryName(key));
  }

  async put(key: ArtifactKey, files: ArtifactFiles): Promise<ArtifactRef> {
    validateArtifact(key, files);
    const parent = join(this.root, key.model);
    await fs.mkdir(parent, { recursive: true });
    const suffix = randomBytes(6).toString('hex');
    const dirName = `.v${entryName(key)}-${suffix}`;
    const dir = join(parent, dirName);
    await fs.mkdir(dir);
    try {
      for (const [name, bytes] of Object.entries(files)) {
        const handle = await fs.open(join(dir, name), 'w');
        try {
          await handle.writeFile(bytes);
          await handle.sync(); // durable before the link makes it visible
        } finally {
          await handle.close();
        }
      }
      const previous = await this.resolve(key).catch((error: unknown) => {
        if (error instanceof ArtifactNotFoundError) return undefined;
        throw error;
      });
      const tmpLink = join(parent, `.link-${suffix}`);
      await fs.symlink(dirName, tmpLink, 'dir');
      await fs.rename(tmpLink, this.link(key));
      // Readers that resolved the old link just before the swap may still be
      // reading it; they retry on the ENOENT this can cause.
      if (previous && basename(previous) !== dirName) await fs.rm(previous, { recursive: true, force: true });
    } catch (error) {
      await fs.rm(dir, { recursive: true, force: true });
      throw error;
    }
    return { store: 'files', key: artifactKeyString(key) };
  }

  async get(key: ArtifactKey): Promise<Record<string, Uint8Array>> {
    validateArtifact(key);
    for (let attempt = 0; ; attempt++) {
      const dir = await this.resolve(key);
      try {
        const out: Record<string, Uint8Array> = {};
        for (const name of (await fs.readdir(dir)).sort()) {
          const bytes = await fs.readFile(join(dir, name));
          out[name] = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        }
        return out;
      } catch (error) {
        // The version was replaced (its old directory removed) while we read it: read the new one.
        if (isMissing(error) && attempt < 5) continue;
        throw error;
      }
    }
  }

  async delete(key: ArtifactKey): Promise<boolean> {
    validateArtifact(key);
    let dir: string;
    try {
      dir = await this.resolve(key);
    } catch (error) {
      if (error instanceof ArtifactNotFoundError) return false;
      throw error;
    }
    await fs.unlink(this.link(key)).catch((error: unknown) => {
      if (!isMissing(error)) throw error;
    });
    await fs.rm(dir, { recursive: true, force: true });
    return true;
  }

  async increments(model: string, version: number): Promise<number[]> {
    validateArtifact({ model, version });
    let names: string[];
    try {
      names = await fs.readdir(join(this.root, model));
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const prefix = `${version}+`;
    return names
      .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
      .map((name) => Number(name.slice(prefix.length)))
      .sort((a, b) => a - b);
  }

  async close(): Promise<void> {}

  /** The immutable directory the version's link points at. */
  private async resolve(key: ArtifactKey): Promise<string> {
    try {
      return await fs.realpath(this.link(key));
    } catch (error) {
      if (isMissing(error)) throw new ArtifactNotFoundError(key);
      throw error;
    }
  }
}
