import { timed } from './fit-timer';

describe('timed', () => {
  it('counts CPU for computing and not for waiting, which wall-clock counts for both', async () => {
    const waiting = await timed(() => new Promise((resolve) => setTimeout(resolve, 200)));
    expect(waiting.seconds).toBeGreaterThanOrEqual(0.19);
    expect(waiting.cpuSeconds).toBeLessThan(waiting.seconds / 2);

    // Computes until the process has used 30 ms of CPU, however long a busy machine makes that.
    let sink = 0;
    const computing = await timed(() => {
      const start = process.cpuUsage();
      for (;;) {
        for (let i = 0; i < 10_000; i++) sink += Math.sqrt(sink + i);
        const used = process.cpuUsage(start);
        if (used.user + used.system >= 30_000) break;
      }
    });
    expect(sink).toBeGreaterThan(0);
    expect(computing.cpuSeconds).toBeGreaterThanOrEqual(0.03);
  });
});
