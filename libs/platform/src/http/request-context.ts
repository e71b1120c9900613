import { randomUUID } from 'node:crypto';
import type { CommandContext } from '@pulse/platform/actors/event-sourced-binding';
import type { FastifyRequest } from 'fastify';

/**
 * The context of commands caused by one HTTP request. A client may pass its
 * own correlation id (`X-Correlation-Id`) to trace a flow across systems.
 */
export function requestContext(request: FastifyRequest): CommandContext {
  const header = request.headers['x-correlation-id'];
  const given = typeof header === 'string' && /^[\w.:-]{1,128}$/.test(header) ? header : undefined;
  return {
    correlationId: given ?? randomUUID(),
    causationId: String(request.id ?? randomUUID()),
    receivedAt: new Date().toISOString(),
  };
}
