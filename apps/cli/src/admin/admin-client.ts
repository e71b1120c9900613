import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface AdminConnection {
  readonly url: string;
  readonly key: string;
}

/**
 * Where the running Pulse is and the admin key to use: flags first, then
 * PULSE_URL / PULSE_ADMIN_KEY, then the keys file Pulse generated under its
 * data directory (so on one machine `npx pulse ...` just works).
 */
export function adminConnection(options: { url?: string; key?: string }): AdminConnection {
  const url = (options.url ?? process.env.PULSE_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, '');
  const keysFile = join(resolve(process.env.PULSE_DATA_DIR ?? './data'), 'api-keys.json');
  const fromFile = existsSync(keysFile)
    ? (JSON.parse(readFileSync(keysFile, 'utf8')) as { admin?: string }).admin
    : undefined;
  const key = options.key ?? process.env.PULSE_ADMIN_KEY ?? fromFile;
  if (!key) {
    throw new Error(`no admin key: pass --key, set PULSE_ADMIN_KEY, or run where ${keysFile} exists`);
  }
  return { url, key };
}

export async function adminRequest<T>(
  connection: AdminConnection,
  method: 'GET' | 'POST',
  path: string,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${connection.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${connection.key}` },
    });
  } catch (error) {
    throw new Error(`cannot reach Pulse at ${connection.url} (${(error as Error).message}); is it running? (--url)`);
  }
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${body.message ?? ''}`.trim());
  return body as T;
}
