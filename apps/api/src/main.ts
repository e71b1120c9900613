import 'reflect-metadata';
import { InvalidConfigError, loadConfig } from '@pulse/platform/config/pulse-config';
import { createApp } from './create-app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      process.stderr.write(`Pulse cannot start. ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const app = await createApp(config);
  await app.listen({ port: config.PORT, host: config.HOST });
  // The real port (PORT=0 picks a free one): tests and scripts read this line.
  const { port } = app.getHttpServer().address() as { port: number };
  const shown = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  process.stdout.write(`Pulse listening on http://${shown}:${port} (API docs at /docs)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Pulse failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
