import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, type EventStore } from '@pulse/platform/event-store/event-store.port';
import { RequireRole } from '@pulse/platform/http/api-key.guard';
import { parseRequest } from '@pulse/platform/http/request-validation';
import { z } from 'zod';

const streamName = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[^\s$][^\s]*$/, 'must be a stream name without spaces, not a system stream');
const readQuery = z.strictObject({
  from: z.coerce.bigint().min(0n, 'must be a revision >= 0').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  direction: z.enum(['forwards', 'backwards']).default('forwards'),
});

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/streams')
export class StreamsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @RequireRole('admin')
  @Get(':stream')
  @ApiOperation({ summary: 'Read one stream (admin)', description: 'Events with revision, global position, type, id, data and metadata.' })
  @ApiQuery({ name: 'from', required: false, description: 'first revision (inclusive)' })
  @ApiQuery({ name: 'limit', required: false, description: '1..1000, default 100' })
  @ApiQuery({ name: 'direction', required: false, enum: ['forwards', 'backwards'] })
  async read(@Param('stream') stream: string, @Query() query: unknown) {
    const name = parseRequest(streamName, stream, 'stream');
    const { from, limit, direction } = parseRequest(readQuery, query, 'query');
    const events = await this.store.readStream(name, { fromRevision: from, maxCount: limit, direction });
    return {
      events: events.map((e) => ({
        revision: Number(e.revision),
        position: e.position.toString(),
        type: e.type,
        eventId: e.eventId,
        recordedAt: e.recordedAt.toISOString(),
        data: e.data,
        metadata: e.metadata,
      })),
    };
  }
}
