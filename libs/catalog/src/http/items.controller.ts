import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { afterPosition } from '@pulse/platform/http/after-position';
import { fieldsOf } from '@pulse/platform/projections/projection';
import { READ_MODELS, type ReadModels } from '@pulse/platform/projections/read-models';
import { DomainRuleViolation } from '@pulse/platform/domain/domain-rule-violation';
import { EVENT_STORE, type EventStore } from '@pulse/platform/event-store/event-store.port';
import { RequireRole } from '@pulse/platform/http/api-key.guard';
import { requestContext } from '@pulse/platform/http/request-context';
import {
  type FieldProblem,
  parseRequest,
  RequestValidationError,
  zodProblems,
} from '@pulse/platform/http/request-validation';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ItemCommand } from '../domain/item.decider';
import { ExecuteItemCommand, type ItemCommandResult } from '../application/item.command';
import type { CatalogItemDocument } from '../projections/catalog-item.document';
import { catalogItemView } from './catalog-item.view';
import { itemBatchBody, itemBody, itemId, itemPatchBody, itemWithId } from './item.wire-schema';

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'any' }) as object;

/**
 * The catalog as the shop's back office maintains it. Writes go through the
 * item actors (one stream per item) and answer with the item as decided;
 * reads come from the `catalog_items` read model (`after` for read-your-writes).
 */
@ApiTags('catalog')
@ApiBearerAuth()
@Controller('v1/items')
export class ItemsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @RequireRole('ingest')
  @Put(':id')
  @ApiOperation({ summary: 'List an item or replace its fields', description: '201 when newly listed, 200 otherwise. A PUT that changes nothing stores nothing.' })
  @ApiBody({ schema: jsonSchema(itemBody) })
  async put(@Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const itemIdValue = parseRequest(itemId, id, 'id');
    const fields = parseRequest(itemBody, body);
    const result = await this.run(itemIdValue, (at) => ({ type: 'ListOrUpdateItem', data: { ...fields, itemId: itemIdValue, at } }), request);
    if (result.events.some((e) => e.type === 'ItemListed')) void reply.status(201);
    return this.written(result);
  }

  @RequireRole('ingest')
  @Patch(':id')
  @ApiOperation({ summary: 'Change price and/or stock' })
  @ApiBody({ schema: jsonSchema(itemPatchBody) })
  async patch(@Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const itemIdValue = parseRequest(itemId, id, 'id');
    const patch = parseRequest(itemPatchBody, body);
    let last: ItemCommandResult | undefined;
    const { price, stock, currency } = patch;
    if (price !== undefined) {
      last = await this.run(itemIdValue, (at) => ({ type: 'ChangeItemPrice', data: { itemId: itemIdValue, price, currency, at } }), request);
    }
    if (stock !== undefined) {
      last = await this.run(itemIdValue, (at) => ({ type: 'ChangeItemStock', data: { itemId: itemIdValue, stock, at } }), request);
    }
    return this.written(last!);
  }

  @RequireRole('ingest')
  @Delete(':id')
  @ApiOperation({ summary: 'Delist an item', description: 'The item stays known (events about it are still accepted) but is never recommended.' })
  async delist(@Param('id') id: string, @Req() request: FastifyRequest) {
    const itemIdValue = parseRequest(itemId, id, 'id');
    return this.written(await this.run(itemIdValue, (at) => ({ type: 'DelistItem', data: { itemId: itemIdValue, at } }), request));
  }

  @RequireRole('ingest')
  @Post('batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Bulk import: up to 1000 items, each listed or updated', description: 'All items are validated first; one malformed item rejects the whole request with 400 and stores nothing.' })
  @ApiBody({ schema: jsonSchema(itemBatchBody) })
  async batch(@Body() body: unknown, @Req() request: FastifyRequest) {
    const { items } = parseRequest(itemBatchBody, body);
    const problems: FieldProblem[] = [];
    const parsed: z.infer<typeof itemWithId>[] = [];
    for (const [index, raw] of items.entries()) {
      const result = itemWithId.safeParse(raw);
      if (result.success) parsed.push(result.data);
      else problems.push(...zodProblems(result.error, `items[${index}]`));
    }
    if (problems.length > 0) throw new RequestValidationError(problems);
    const outcomes = await Promise.allSettled(
      parsed.map(({ id, ...fields }) =>
        this.run(id, (at) => ({ type: 'ListOrUpdateItem', data: { ...fields, itemId: id, at } }), request),
      ),
    );
    const results = outcomes.map((outcome, i) => {
      const id = parsed[i]!.id;
      if (outcome.status === 'rejected') {
        if (!(outcome.reason instanceof DomainRuleViolation)) throw outcome.reason;
        return { id, status: 'rejected' as const, reason: outcome.reason.message, code: outcome.reason.code };
      }
      const types = outcome.value.events.map((e) => e.type);
      const status = types.includes('ItemListed') ? 'listed' : types.includes('ItemUpdated') ? 'updated' : 'unchanged';
      return { id, status };
    });
    return { results, position: (await this.positionAfter(outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))))};
  }

  @RequireRole('read')
  @Get(':id')
  @ApiOperation({
    summary: 'One item with its current fields and status',
    description: 'From the catalog read model; pass `after` (the position a write answered with) to read your own write.',
  })
  @ApiQuery({ name: 'after', required: false, description: 'global position from a write response' })
  async get(@Param('id') id: string, @Query() query: unknown) {
    const itemIdValue = parseRequest(itemId, id, 'id');
    const { after } = parseRequest(z.strictObject({ after: afterPosition }), query, 'query');
    await this.readModels.catchUp(after, ['catalog_items']);
    const doc = await this.readModels.get('catalog_items', itemIdValue);
    if (!doc) throw new NotFoundException(`item '${itemIdValue}' is not in the catalog`);
    return catalogItemView(fieldsOf(doc) as CatalogItemDocument);
  }

  /** Runs one item command, stamped with the time the server received the request. */
  private async run(
    itemIdValue: string,
    build: (at: string) => ItemCommand,
    request: FastifyRequest,
  ): Promise<ItemCommandResult> {
    const context = requestContext(request);
    try {
      return await this.commands.execute(
        new ExecuteItemCommand(itemIdValue, build(context.receivedAt), context),
      );
    } catch (error) {
      if (error instanceof DomainRuleViolation && error.code === 'item_not_found') {
        throw new NotFoundException(`item '${itemIdValue}' is not in the catalog`);
      }
      throw error;
    }
  }

  private async written(result: ItemCommandResult) {
    return { item: result.item, position: await this.positionAfter([result]) };
  }

  /** Where a reader must have caught up to see these writes (the head when nothing was written). */
  private async positionAfter(results: readonly ItemCommandResult[]): Promise<string> {
    const positions = results.flatMap((r) => (r.position === undefined ? [] : [r.position]));
    if (positions.length === 0) return (await this.store.headPosition()).toString();
    return positions.reduce((a, b) => (a > b ? a : b)).toString();
  }
}
