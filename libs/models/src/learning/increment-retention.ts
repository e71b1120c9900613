import type { ModelArtifactStore } from '../registry/model-artifact-store.port';

/**
 * Bounds the space the learning loop's stored increments take: every swap
 * stores a full copy of the weights, and swaps come every few seconds. Once a
 * newer increment of a version is recorded, all but the last `keep` that this
 * loop knows of are deleted. The latest is never deleted (a restart, or a
 * later rollback to this version, starts from it), and the one before it
 * stays for a process that read the log just before the newer event and is
 * loading it now.
 *
 * A crash leaves files behind: increments superseded but not yet deleted, and
 * an increment stored whose event was never written. So a (re)start lists the
 * version's stored increments and deletes every one the log has finished
 * with (numbered at most `attempts`, the highest recorded) except the last
 * `keep` recorded as swapped. A number above `attempts` may be an update
 * another process is storing right now, so it stays.
 */
export class IncrementRetention {
  private version: number | undefined;
  private kept: number[] = [];

  constructor(
    private readonly artifacts: Pick<ModelArtifactStore, 'delete' | 'increments'>,
    private readonly model: string,
    private readonly keep = 2,
  ) {
    if (!Number.isInteger(keep) || keep < 1)
      throw new RangeError(`keep: must be a whole number >= 1, got ${keep}`);
  }

  /**
   * The loop (re)starts on `version`, whose swapped, stored increments are `stored` (oldest first)
   * and whose highest recorded increment is `attempts`: deletes what a crash left, returns their numbers.
   */
  async startFrom(
    version: number,
    { stored, attempts }: { readonly stored: readonly number[]; readonly attempts: number },
  ): Promise<number[]> {
    this.version = version;
    this.kept = stored.slice(-this.keep);
    const leftOver = (await this.artifacts.increments(this.model, version)).filter(
      (n) => n <= attempts && !this.kept.includes(n),
    );
    for (const old of leftOver)
      await this.artifacts.delete({ model: this.model, version, increment: old });
    return leftOver;
  }

  /**
   * `increment` of `version` was recorded as swapped in: deletes the increments it supersedes
   * beyond the last `keep`, and returns their numbers.
   */
  async recorded(version: number, increment: number): Promise<number[]> {
    if (version !== this.version) {
      this.version = version;
      this.kept = [];
    }
    this.kept.push(increment);
    const superseded = this.kept.splice(0, Math.max(0, this.kept.length - this.keep));
    for (const old of superseded)
      await this.artifacts.delete({ model: this.model, version, increment: old });
    return superseded;
  }
}
