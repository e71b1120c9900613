import { timed } from './fit-timer';

describe('timed', () => {
  // Only lower bounds: process CPU counts every thread (GC, the thread pool, a test runner's
  // own work), so how little CPU a wait costs cannot be pinned down in a shared process.
  it('counts a wait in wall-clock time and the CPU the work used in CPU time', async () => {
    const waiting = await timed(() => new Promise((resolve) => setTimeout(resolve, 200)));
    expect(waiting.seconds).toBeGreaterThanOrEqual(0.19);

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
