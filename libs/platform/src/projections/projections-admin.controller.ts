import {
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import { RequireRole } from '../http/api-key.guard';
import { type ProjectionManager, UnknownProjectionError } from './projection-manager';
import type { ProjectionStatus } from './projection-status';
import { PROJECTION_MANAGER } from './read-models';

export interface ProjectionListing extends ProjectionStatus {
  /** Newest position in the log (as a string). */
  readonly head: string;
  /** Events in the log after the checkpoint; null where the store can't count cheaply. */
  readonly lagEvents: number | null;
  /** Age of the oldest event not yet applied; 0 when caught up. */
  readonly lagMs: number;
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/projections')
export class ProjectionsAdminController {
  constructor(
    @Inject(PROJECTION_MANAGER) private readonly manager: ProjectionManager,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  @RequireRole('admin')
  @Get()
  @ApiOperation({ summary: 'Every projection: version, role, state, checkpoint, lag and rate (a rebuild shows as a second row)' })
  async list(): Promise<{ projections: ProjectionListing[]; head: string }> {
    const head = await this.events.headPosition();
    const projections = await Promise.all(this.manager.list().map((status) => this.withLag(status, head)));
    return { projections, head: head.toString() };
  }

  @RequireRole('admin')
  @Post(':name/rebuild')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Rebuild from the start of the log into the next version',
    description: 'The current version keeps serving and following live events; reads switch atomically once the new one has caught up, and the old one is dropped. Progress shows in the listing.',
  })
  rebuild(@Param('name') name: string) {
    return this.run(name, () => this.manager.rebuild(name));
  }

  @RequireRole('admin')
  @Post(':name/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop applying events (reads keep answering from the state so far)' })
  async pause(@Param('name') name: string) {
    await this.run(name, () => this.manager.pause(name));
    return this.statusOf(name);
  }

  @RequireRole('admin')
  @Post(':name/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused projection, or retry a failed one from its checkpoint' })
  async resume(@Param('name') name: string) {
    await this.run(name, () => this.manager.resume(name));
    return this.statusOf(name);
  }

  private statusOf(name: string) {
    return { projections: this.manager.list().filter((s) => s.name === name) };
  }

  private async run<T>(name: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof UnknownProjectionError) {
        throw new NotFoundException(`name: no projection '${name}'; there are ${this.manager.names().join(', ')}`);
      }
      throw error;
    }
  }

  private async withLag(status: ProjectionStatus, head: bigint): Promise<ProjectionListing> {
    const checkpoint = status.checkpoint === null ? -1n : BigInt(status.checkpoint);
    if (checkpoint >= head) return { ...status, head: head.toString(), lagEvents: 0, lagMs: 0 };
    const [oldestPending] = await this.events.readAll({ after: checkpoint < 0n ? undefined : checkpoint, maxCount: 1 });
    return {
      ...status,
      head: head.toString(),
      lagEvents: (await this.events.countAfter?.(checkpoint)) ?? null,
      lagMs: oldestPending ? Math.max(0, Date.now() - oldestPending.recordedAt.getTime()) : 0,
    };
  }
}
