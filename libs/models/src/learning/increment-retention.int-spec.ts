import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileModelArtifactStore } from '../registry/file-model-artifact-store.adapter';
import { ArtifactNotFoundError } from '../registry/model-artifact-store.port';
import { IncrementRetention } from './increment-retention';

/**
 * Stored increments are cleaned up as newer ones are recorded, in the file
 * artifact store: the latest two of a version stay, the version's own
 * artifact and other versions' increments are never touched.
 */
describe('IncrementRetention (file artifact store)', () => {
  let dir: string;
  let artifacts: FileModelArtifactStore;
  const weights = (n: number) => ({ 'weights.bin': new Uint8Array([n]) });
  const stored = async (version: number, increment?: number) =>
    artifacts.get({ model: 'shop', version, ...(increment !== undefined && { increment }) }).then(
      () => true,
      (error: unknown) => {
        if (error instanceof ArtifactNotFoundError) return false;
        throw error;
      },
    );

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-retention-'));
    artifacts = new FileModelArtifactStore(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('given increments recorded one after another, when a third is recorded, then the first is deleted and the last two stay', async () => {
    const retention = new IncrementRetention(artifacts, 'shop');
    await artifacts.put({ model: 'shop', version: 1 }, weights(0));
    for (const increment of [1, 2, 3])
      await artifacts.put({ model: 'shop', version: 1, increment }, weights(increment));

    expect(await retention.recorded(1, 1)).toEqual([]);
    expect(await retention.recorded(1, 2)).toEqual([]);
    expect(await retention.recorded(1, 3)).toEqual([1]);

    expect([await stored(1, 1), await stored(1, 2), await stored(1, 3)]).toEqual([
      false,
      true,
      true,
    ]);
    expect(await stored(1)).toBe(true);
  });

  it("given a start from a version's stored increments, when the next is recorded, then the older ones from before the restart go too", async () => {
    for (const increment of [4, 6, 9])
      await artifacts.put({ model: 'shop', version: 2, increment }, weights(increment));
    const retention = new IncrementRetention(artifacts, 'shop');
    // 4 was superseded before the restart (its process crashed before deleting it): the start keeps the last two only.
    expect(await retention.startFrom(2, { stored: [4, 6, 9], attempts: 9 })).toEqual([4]);
    await artifacts.put({ model: 'shop', version: 2, increment: 11 }, weights(11));

    expect(await retention.recorded(2, 11)).toEqual([6]);

    expect([
      await stored(2, 4),
      await stored(2, 6),
      await stored(2, 9),
      await stored(2, 11),
    ]).toEqual([false, false, true, true]);
  });

  it('given files a crash left without an event, when the loop starts, then those the log has finished with go and a later one, maybe being stored now, stays', async () => {
    await artifacts.put({ model: 'shop', version: 3 }, weights(0));
    // 5 and 8 swapped and recorded; 7 stored, then the process died before recording it
    // (the restarted loop recorded 7 again as kept out); 9 is being stored by another process.
    for (const increment of [5, 7, 8, 9])
      await artifacts.put({ model: 'shop', version: 3, increment }, weights(increment));
    await artifacts.put({ model: 'shop', version: 4, increment: 1 }, weights(1));
    const retention = new IncrementRetention(artifacts, 'shop');

    expect(await retention.startFrom(3, { stored: [5, 8], attempts: 8 })).toEqual([7]);

    expect([await stored(3, 5), await stored(3, 7), await stored(3, 8), await stored(3, 9)]).toEqual([
      true,
      false,
      true,
      true,
    ]);
    expect([await stored(3), await stored(4, 1)]).toEqual([true, true]);
  });

  it("given a promotion, when the new champion's increments are recorded, then the old version's latest increments stay for a rollback", async () => {
    const retention = new IncrementRetention(artifacts, 'shop');
    for (const increment of [1, 2])
      await artifacts.put({ model: 'shop', version: 1, increment }, weights(increment));
    await retention.recorded(1, 1);
    await retention.recorded(1, 2);
    for (const increment of [1, 2, 3])
      await artifacts.put({ model: 'shop', version: 2, increment }, weights(10 + increment));

    for (const increment of [1, 2, 3]) await retention.recorded(2, increment);

    expect([await stored(1, 1), await stored(1, 2)]).toEqual([true, true]);
    expect([await stored(2, 1), await stored(2, 2), await stored(2, 3)]).toEqual([
      false,
      true,
      true,
    ]);
  });
});
