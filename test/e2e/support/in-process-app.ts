import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@pulse/platform/config/pulse-config';
import type { ProjectionsFactory } from '@pulse/platform/nest/projections.module';
import { createApp } from '../../../apps/api/src/create-app';

/** Fixed keys, so tests can act in every role. */
export const TEST_KEYS = {
  admin: 'admin-key-0123456789',
  ingest: 'ingest-key-0123456789',
  read: 'read-key-0123456789',
} as const;

export const auth = (role: keyof typeof TEST_KEYS) => ({ authorization: `Bearer ${TEST_KEYS[role]}` });

export interface InProcessPulse {
  readonly app: NestFastifyApplication;
  readonly dataDir: string;
  close(): Promise<void>;
}

/**
 * The whole service in this process on a fresh embedded data directory,
 * answering through Fastify's inject (no sockets). `env` adds or overrides
 * configuration variables.
 */
export async function startInProcessPulse(
  env: Record<string, string> = {},
  projections?: ProjectionsFactory,
): Promise<InProcessPulse> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pulse-e2e-'));
  const app = await createApp(
    loadConfig({
      PULSE_DATA_DIR: dataDir,
      PULSE_ADMIN_KEY: TEST_KEYS.admin,
      PULSE_INGEST_KEY: TEST_KEYS.ingest,
      PULSE_READ_KEY: TEST_KEYS.read,
      PULSE_LOG_LEVEL: 'error',
      ...env,
    }),
    projections,
  );
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    dataDir,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
