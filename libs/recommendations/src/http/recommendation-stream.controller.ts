import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@pulse/platform/http/api-key.guard';
import { parseRequest } from '@pulse/platform/http/request-validation';
import { fieldsOf } from '@pulse/platform/projections/projection';
import { READ_MODELS, type ReadModels } from '@pulse/platform/projections/read-models';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { RECOMMENDATION_LISTS } from '../refresh/recommendation-lists.projection';
import { RecommendationsFeed } from '../refresh/recommendations.feed';

const streamQuery = z.object({ shopperId: z.string().min(1, 'is required').max(128, 'must be at most 128 characters') }).strict();

/** Proxies and load balancers drop idle connections; a comment line every so often keeps it open. */
const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events for services without access to the event store:
 * first the shopper's latest refreshed list (if any, as `snapshot`), then
 * every RecommendationsRefreshed for them as `refresh`, each with the log
 * position as the SSE id. Written by hand on the raw response: Nest's @Sse
 * helper is not reliable on Fastify, and this keeps control of headers,
 * heartbeats and clean-up when the client goes away.
 */
@ApiTags('recommendations')
@ApiBearerAuth()
@Controller('v1/stream')
export class RecommendationStreamController {
  constructor(
    private readonly feed: RecommendationsFeed,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
  ) {}

  @RequireRole('read')
  @Get('recommendations')
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: "A shopper's refreshed recommendations, pushed (server-sent events)",
    description:
      'Event `snapshot`: the latest refreshed list on connect (when there is one); event `refresh`: each new list ' +
      '(after a model update or an interest shift), payload as RecommendationsRefreshed in docs/events.md; `id` is its log position.',
  })
  async stream(@Query() query: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const { shopperId } = parseRequest(streamQuery, query, 'query');
    // Subscribe before reading the snapshot, so a list refreshed in between is not lost (it may come twice).
    const buffered: string[] = [];
    let ready = false;
    const raw = reply.raw;
    const send = (chunk: string) => (ready ? raw.write(chunk) : buffered.push(chunk));
    const timer: { heartbeat?: NodeJS.Timeout } = {}; // set once the stream is open
    const subscription = this.feed.forShopper(shopperId).subscribe({
      next: (list) => send(`event: refresh\nid: ${list.position}\ndata: ${JSON.stringify(list.data)}\n\n`),
      // The feed completes when the service shuts down: end the response, or
      // the HTTP server would wait for this client forever.
      complete: () => {
        clearInterval(timer.heartbeat);
        if (!raw.writableEnded) raw.end();
      },
    });
    const latest = await this.readModels.get(RECOMMENDATION_LISTS, shopperId).catch(() => null);
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': String(request.id),
    });
    raw.write(': connected\n\n');
    if (latest) raw.write(`event: snapshot\ndata: ${JSON.stringify(fieldsOf(latest))}\n\n`);
    ready = true;
    for (const chunk of buffered.splice(0)) raw.write(chunk);
    if (subscription.closed) return void raw.end(); // shut down while the snapshot was read
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    timer.heartbeat = heartbeat;
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      subscription.unsubscribe();
    });
  }
}
