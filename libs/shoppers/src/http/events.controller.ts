import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PULSE_CONFIG, type PulseConfig } from '@pulse/platform/config/pulse-config';
import { RequireRole } from '@pulse/platform/http/api-key.guard';
import { requestContext } from '@pulse/platform/http/request-context';
import {
  type FieldProblem,
  RequestValidationError,
  zodProblems,
} from '@pulse/platform/http/request-validation';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { RecordInteractionsCommand } from '../application/record-interactions.command';
import {
  type EventsResponse,
  type InteractionWireEvent,
  interactionWireEvent,
} from './interaction.wire-schema';

const openApi = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'any' }) as object;
/** Problems listed in one 400 at most; the first is in the message. */
const MAX_PROBLEMS = 50;

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(PULSE_CONFIG) private readonly config: PulseConfig,
  ) {}

  @RequireRole('ingest')
  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Record shopper interactions: one event, or {"events": [...]} with up to 1000',
    description:
      'Every event is validated before any is stored: one malformed event rejects the request with 400 naming ' +
      'the field (events[i].field) and nothing is stored. Well-formed events are then recorded one by one: ' +
      '`accepted`, `duplicate` (same eventId seen before for this shopper: acknowledged, not stored twice) or ' +
      '`rejected` with a reason (unknown items, occurredAt too far in the future). A single event that is ' +
      'rejected answers 422. `position` is the global log position to pass as `after` for read-your-writes.',
  })
  @ApiBody({
    schema: {
      oneOf: [
        openApi(interactionWireEvent),
        { type: 'object', required: ['events'], properties: { events: { type: 'array', maxItems: 1000, items: openApi(interactionWireEvent) } } },
      ],
    },
  })
  @ApiResponse({ status: 200, description: '{"results": [{"eventId", "status", "reason"?}], "position": "<string>"}' })
  async record(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EventsResponse> {
    const { events, single } = this.parse(body);
    const { results, position } = await this.commands.execute(
      new RecordInteractionsCommand(events, requestContext(request)),
    );
    if (single && results[0]!.status === 'rejected') void reply.status(422);
    return { results, position: position.toString() };
  }

  /** Validates everything up front, so a malformed request stores nothing. */
  private parse(body: unknown): { events: InteractionWireEvent[]; single: boolean } {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new RequestValidationError([
        { field: '(body)', reason: 'must be one event object or {"events": [...]}' },
      ]);
    }
    if (!('events' in body)) {
      const result = interactionWireEvent.safeParse(body);
      if (!result.success) throw new RequestValidationError(zodProblems(result.error));
      return { events: [result.data], single: true };
    }
    const { events, ...rest } = body as { events: unknown };
    const extra = Object.keys(rest);
    if (extra.length > 0) {
      throw new RequestValidationError([{ field: extra[0]!, reason: `unknown field '${extra[0]}'` }]);
    }
    if (!Array.isArray(events) || events.length === 0) {
      throw new RequestValidationError([{ field: 'events', reason: 'must be a non-empty array of events' }]);
    }
    if (events.length > this.config.PULSE_MAX_BATCH) {
      throw new RequestValidationError([
        { field: 'events', reason: `at most ${this.config.PULSE_MAX_BATCH} events per request (got ${events.length})` },
      ]);
    }
    const parsed: InteractionWireEvent[] = [];
    const problems: FieldProblem[] = [];
    for (const [index, event] of events.entries()) {
      const result = interactionWireEvent.safeParse(event);
      if (result.success) parsed.push(result.data);
      else problems.push(...zodProblems(result.error, `events[${index}]`));
      if (problems.length >= MAX_PROBLEMS) break;
    }
    if (problems.length > 0) throw new RequestValidationError(problems);
    return { events: parsed, single: false };
  }
}
