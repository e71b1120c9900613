import { randomUUID } from 'node:crypto';
import { AggregateActors, type AggregateBinding } from '@pulse/platform/actors/aggregate-actors';
import {
  type CommandContext,
  type Envelope,
  eventSourcedBinding,
} from '@pulse/platform/actors/event-sourced-binding';
import { DomainRuleViolation } from '@pulse/platform/domain/domain-rule-violation';
import type { EventRegistry } from '@pulse/platform/events/event-registry';
import { StreamNotFoundError } from '@pulse/platform/event-store/event-store.errors';
import type { EventStore } from '@pulse/platform/event-store/event-store.port';
import {
  type ModelRegistryCommand,
  modelRegistryDecider,
  type ModelRegistryState,
} from './model-registry.decider';
import {
  MODEL_NAME_PATTERN,
  MODEL_STREAM_PREFIX,
  type ModelEvent,
  modelEventDefinitions,
  modelStreamId,
} from './model.events';

/** A command's outcome: the events it stored and the registry state after it. */
export interface RegistryOutcome {
  readonly events: ModelEvent[];
  readonly state: ModelRegistryState;
  readonly position?: bigint;
}

/**
 * The registry over the event store: one actor per model stream (commands
 * for one model are serialised here; the expected revision guards against
 * the CLI or another Pulse writing the same stream). Plain TypeScript, so
 * the API and the CLI share it.
 */
export class ModelRegistry {
  private readonly actors: AggregateActors<ModelRegistryState, Envelope<ModelRegistryCommand>, ModelEvent>;
  private readonly binding: AggregateBinding<ModelRegistryState, Envelope<ModelRegistryCommand>, ModelEvent>;

  constructor(
    private readonly store: EventStore,
    registry: EventRegistry,
  ) {
    for (const definition of modelEventDefinitions) {
      if (!registry.has(definition.type)) registry.register(definition);
    }
    this.binding = eventSourcedBinding({
      decider: modelRegistryDecider,
      registry,
      streamId: modelStreamId,
      // Admin commands are not retried by clients; the decider makes repeated
      // reports (RecordTrained twice) no-ops instead.
      eventId: () => randomUUID(),
    });
    // A handful of models: keep them all, forever.
    this.actors = new AggregateActors(store, this.binding, { maxCached: 1000, idleMs: 24 * 3_600_000 });
  }

  async execute(name: string, command: ModelRegistryCommand, context: CommandContext): Promise<RegistryOutcome> {
    assertModelName(name);
    const outcome = await this.actors.execute(name, { command, context });
    return { events: outcome.events, state: await this.state(name), position: outcome.position };
  }

  /**
   * The model's registry state, folded from its stream on every call: reads
   * must see what other processes (the CLI, another Pulse) wrote, which the
   * actor's cached state would only notice on its next append.
   */
  async state(name: string): Promise<ModelRegistryState> {
    assertModelName(name);
    const decider = modelRegistryDecider;
    let state = decider.initialState();
    try {
      for (const recorded of await this.store.readStream(modelStreamId(name))) {
        state = decider.evolve(state, this.binding.fromStored(recorded));
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return state;
  }

  /** Every model that has a stream, by name. */
  async names(): Promise<string[]> {
    const started = await this.store.readAll({
      filter: { streamPrefixes: [MODEL_STREAM_PREFIX], eventTypes: ['ModelTrainingStarted'] },
    });
    return [...new Set(started.map((e) => e.streamId.slice(MODEL_STREAM_PREFIX.length)))].sort();
  }
}

export function assertModelName(name: string): void {
  if (!MODEL_NAME_PATTERN.test(name)) {
    throw new DomainRuleViolation(
      'invalid_model_name',
      `'${name}' is not a model name (lower-case letters, digits, '-' and '_', starting with a letter, at most 50)`,
      'name',
      false,
    );
  }
}
