import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DOCUMENT_STORE, type DocumentStore } from '../document-store/document-store.port';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import { PublicRoute } from '../http/api-key.guard';

export interface BackendCheck {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
  ) {}

  @PublicRoute()
  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @PublicRoute()
  @Get('ready')
  @ApiOperation({ summary: 'Every backend answers; 503 with the failing one otherwise' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const [events, documents] = await Promise.all([
      check(() => this.events.ping()),
      check(() => this.documents.ping()),
    ]);
    const backends = { events, documents };
    const ready = Object.values(backends).every((b) => b.status === 'up');
    void reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'unavailable', backends };
  }
}

async function check(probe: () => Promise<void>): Promise<BackendCheck> {
  const started = performance.now();
  try {
    await probe();
    return { status: 'up', latencyMs: round(performance.now() - started) };
  } catch (error) {
    return { status: 'down', latencyMs: round(performance.now() - started), error: String((error as Error).message ?? error) };
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
