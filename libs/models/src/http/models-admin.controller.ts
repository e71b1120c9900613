import { Body, Controller, Get, HttpCode, HttpException, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainRuleViolation } from '@pulse/platform/domain/domain-rule-violation';
import { RequireRole } from '@pulse/platform/http/api-key.guard';
import { requestContext } from '@pulse/platform/http/request-context';
import { parseRequest } from '@pulse/platform/http/request-validation';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { assertModelName, ModelRegistry } from '../registry/model-registry';
import { type ModelListing, modelListing } from '../registry/model-registry.view';
import { ServingModels } from '../serving/serving-models';
import { ModelTrainingService } from '../training/model-training.service';

const trainBody = z
  .object({
    kind: z.string().min(1).max(50).optional(),
    params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
    untilPosition: z.string().regex(/^\d+$/, 'must be a decimal log position').optional(),
    autoPromote: z.boolean().optional(),
    /** Answer when training has finished (default: 202 at once). */
    wait: z.boolean().optional(),
    seed: z.number().int().optional(),
  })
  .strict();
const promoteBody = z.object({ version: z.number().int().min(1), force: z.boolean().optional() }).strict();

/** Registry codes that mean "the state doesn't allow it" (409) or "no such thing" (404). */
const STATUS_BY_CODE: Record<string, number> = {
  version_not_found: 404,
  model_not_found: 404,
  worse_than_champion: 409,
  metric_mismatch: 409,
  not_trained: 409,
  not_training: 409,
  training_in_progress: 409,
  nothing_to_roll_back: 409,
};
const PHRASES: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict' };

function asHttp(error: unknown): unknown {
  if (!(error instanceof DomainRuleViolation)) return error;
  const status = STATUS_BY_CODE[error.code] ?? 400;
  return new HttpException(
    {
      statusCode: status,
      error: PHRASES[status],
      message: error.field ? `${error.field}: ${error.message}` : error.message,
      code: error.code,
      ...(error.field && { details: [{ field: error.field, reason: error.message }] }),
    },
    status,
  );
}

async function mapped<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw asHttp(error);
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/models')
export class ModelsAdminController {
  constructor(
    @Inject(ModelRegistry) private readonly registry: ModelRegistry,
    @Inject(ServingModels) private readonly serving: ServingModels,
    @Inject(ModelTrainingService) private readonly training: ModelTrainingService,
  ) {}

  @RequireRole('admin')
  @Get()
  @ApiOperation({ summary: 'Every model: the version serving here, the champion, and every version with its validation metrics' })
  async list(): Promise<{ models: ModelListing[] }> {
    const names = new Set([...(await this.registry.names()), ...this.serving.status().map((s) => s.name)]);
    const models = await Promise.all([...names].sort().map((name) => this.listing(name)));
    return { models };
  }

  @RequireRole('admin')
  @Get(':name')
  @ApiOperation({ summary: 'One model with every version' })
  get(@Param('name') name: string): Promise<ModelListing> {
    return mapped(async () => {
      const listing = await this.listing(name);
      if (listing.versions.length === 0) throw new DomainRuleViolation('model_not_found', `no model called '${name}'`, 'name');
      return listing;
    });
  }

  @RequireRole('admin')
  @Post(':name/train')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Train a new version (in a child process) on the log up to untilPosition (default: now)',
    description: 'Body: {kind?, params?, untilPosition?, autoPromote?, wait?, seed?}. 202 with the reserved version; with wait=true the answer comes when training has finished.',
  })
  train(@Param('name') name: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    return mapped(async () => {
      assertModelName(name);
      const input = parseRequest(trainBody, body ?? {});
      const started = await this.training.start(
        name,
        {
          ...(input.kind !== undefined && { kind: input.kind }),
          ...(input.params !== undefined && { params: input.params }),
          ...(input.untilPosition !== undefined && { untilPosition: BigInt(input.untilPosition) }),
          ...(input.autoPromote !== undefined && { autoPromote: input.autoPromote }),
          ...(input.seed !== undefined && { seed: input.seed }),
        },
        requestContext(request),
      );
      if (!input.wait) {
        void started.done; // settles on its own and never rejects; the registry records the outcome
        return { model: name, version: started.version, kind: started.kind, untilPosition: started.untilPosition, status: 'training' };
      }
      const report = await started.done;
      if (report.promoted) await this.serving.refresh(name);
      return report;
    });
  }

  @RequireRole('admin')
  @Post(':name/promote')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make a trained version serve',
    description: 'Body: {version, force?}. 409 when it is worse than the serving champion on the validation metric (force overrides, and the event records it).',
  })
  promote(@Param('name') name: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    return mapped(async () => {
      const input = parseRequest(promoteBody, body ?? {});
      await this.requireModel(name);
      const at = new Date().toISOString();
      const outcome = await this.registry.execute(name, { type: 'Promote', version: input.version, force: input.force ?? false, at }, requestContext(request));
      // Swap here before answering, so this process's next request already uses it; others follow the stream.
      await this.serving.refresh(name);
      return this.listing(name, outcome.state);
    });
  }

  @RequireRole('admin')
  @Post(':name/rollback')
  @HttpCode(200)
  @ApiOperation({ summary: 'Return service to the previous champion' })
  rollback(@Param('name') name: string, @Req() request: FastifyRequest) {
    return mapped(async () => {
      await this.requireModel(name);
      const outcome = await this.registry.execute(name, { type: 'Rollback', at: new Date().toISOString() }, requestContext(request));
      await this.serving.refresh(name);
      return this.listing(name, outcome.state);
    });
  }

  private async requireModel(name: string): Promise<void> {
    const state = await this.registry.state(name);
    if (state.versions.length === 0) throw new DomainRuleViolation('model_not_found', `no model called '${name}'`, 'name');
  }

  private async listing(name: string, known?: Awaited<ReturnType<ModelRegistry['state']>>): Promise<ModelListing> {
    const state = known ?? (await this.registry.state(name));
    return modelListing(name, state, this.serving.status().find((s) => s.name === name));
  }
}
