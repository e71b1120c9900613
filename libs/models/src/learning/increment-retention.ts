import type { ModelArtifactStore } from '../registry/model-artifact-store.port';

/**
 * Bounds the space the learning loop's stored increments take: every swap
 * stores a full copy of the weights, and swaps come every few seconds. Once a
 * newer increment of a version is recorded, all but the last `keep` that this
 * loop knows of are deleted. The latest is never deleted (a restart, or a
 * later rollback to this version, starts from it), and the one before it
 * stays for a process that read the log just before the newer event and is
 * loading it now. Files of increments left by a crash between recording and
 * cleaning up are not found again.
 */
export class IncrementRetention {
  private version: number | undefined;
  private kept: number[] = [];

  constructor(
    private readonly artifacts: Pick<ModelArtifactStore, 'delete'>,
    private readonly model: string,
    private readonly keep = 2,
  ) {
    if (!Number.isInteger(keep) || keep < 1)
      throw new RangeError(`keep: must be a whole number >= 1, got ${keep}`);
  }

  /** The loop (re)starts on `version`, whose stored increments are `stored` (oldest first). */
  startFrom(version: number, stored: readonly number[]): void {
    this.version = version;
    this.kept = stored.slice(-this.keep);
  }

  /**
   * `increment` of `version` was recorded as swapped in: deletes the increments it supersedes
   * beyond the last `keep`, and returns their numbers.
   */
  async recorded(version: number, increment: number): Promise<number[]> {
    if (version !== this.version) this.startFrom(version, []);
    this.kept.push(increment);
    const superseded = this.kept.splice(0, Math.max(0, this.kept.length - this.keep));
    for (const old of superseded)
      await this.artifacts.delete({ model: this.model, version, increment: old });
    return superseded;
  }
}
