import { createHash } from 'node:crypto';

/**
 * Name-based UUID (RFC 9562 version 5, SHA-1). The same name always gives the
 * same id, so an event derived from a client's event id gets the same store id
 * on every retry and the store's idempotency check catches the duplicate.
 */
export function deterministicUuid(namespace: string, name: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (namespaceBytes.length !== 16) throw new Error(`namespace must be a UUID, got '${namespace}'`);
  const hash = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Namespace of every id Pulse derives. Never change it: stored ids depend on it. */
export const PULSE_UUID_NAMESPACE = '6f1c2a4e-9d3b-4c7a-8e21-5b0f3d9a7c11';
