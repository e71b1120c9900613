import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Role = 'admin' | 'ingest' | 'read';
export const ROLES: readonly Role[] = ['admin', 'ingest', 'read'];

export type ApiKeys = Record<Role, string>;

export interface ResolvedApiKeys {
  readonly keys: ApiKeys;
  /** Roles whose key was generated on this start (to print once). */
  readonly generated: Role[];
  readonly file: string;
}

/**
 * Keys come from PULSE_ADMIN_KEY / PULSE_INGEST_KEY / PULSE_READ_KEY. A role
 * without one gets a random key, generated once and kept in `file` (mode
 * 0600) so it survives restarts; it is printed only when first generated.
 */
export function resolveApiKeys(fromEnv: Partial<ApiKeys>, file: string): ResolvedApiKeys {
  const stored: Partial<ApiKeys> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<ApiKeys>)
    : {};
  const keys = {} as ApiKeys;
  const generated: Role[] = [];
  for (const role of ROLES) {
    const key = fromEnv[role] ?? stored[role];
    if (key) {
      keys[role] = key;
    } else {
      keys[role] = `pulse_${role}_${randomBytes(24).toString('base64url')}`;
      generated.push(role);
    }
  }
  if (generated.length > 0) {
    mkdirSync(dirname(file), { recursive: true });
    const toStore = { ...stored };
    for (const role of generated) toStore[role] = keys[role];
    writeFileSync(file, JSON.stringify(toStore, null, 2) + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return { keys, generated, file };
}

/** The role a presented key grants, compared in constant time; undefined when it matches none. */
export function roleOfKey(keys: ApiKeys, presented: string): Role | undefined {
  const given = Buffer.from(presented);
  for (const role of ROLES) {
    const expected = Buffer.from(keys[role]);
    if (expected.length === given.length && timingSafeEqual(expected, given)) return role;
  }
  return undefined;
}

/** Admin may do everything; otherwise the role must be among those allowed. */
export function roleAllows(role: Role, allowed: readonly Role[]): boolean {
  return role === 'admin' || allowed.includes(role);
}
