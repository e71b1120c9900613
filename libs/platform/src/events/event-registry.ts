import type { z } from 'zod';

/**
 * One place that knows every event type: its stable name, current schema
 * version, payload schema and the upcasters that lift old payloads. Type names
 * are explicit strings, never `constructor.name`, which changes on a rename
 * or minification.
 */
export interface EventDefinition<Data = unknown> {
  /** Stable wire name, e.g. `ShopperViewedItem`. Never change it; add a new type instead. */
  readonly type: string;
  /** Current schema version; payloads are written with it. */
  readonly schemaVersion: number;
  readonly schema: z.ZodType<Data>;
  /**
   * `upcasters[n]` turns a version-n payload into a version-(n+1) one.
   * Reading applies them in order up to `schemaVersion`, then validates.
   */
  readonly upcasters?: Readonly<Record<number, (data: unknown) => unknown>>;
  /** One line for docs/events.md and the OpenAPI description. */
  readonly description: string;
}

export class UnknownEventTypeError extends Error {
  constructor(readonly type: string) {
    super(`Unknown event type '${type}'`);
    this.name = 'UnknownEventTypeError';
  }
}

export class EventRegistry {
  private readonly definitions = new Map<string, EventDefinition>();

  register<Data>(definition: EventDefinition<Data>): this {
    if (this.definitions.has(definition.type)) {
      throw new Error(`Event type '${definition.type}' is registered twice`);
    }
    this.definitions.set(definition.type, definition as EventDefinition);
    return this;
  }

  registerAll(definitions: readonly EventDefinition<any>[]): this {
    for (const definition of definitions) this.register(definition);
    return this;
  }

  has(type: string): boolean {
    return this.definitions.has(type);
  }

  definition(type: string): EventDefinition {
    const definition = this.definitions.get(type);
    if (!definition) throw new UnknownEventTypeError(type);
    return definition;
  }

  all(): EventDefinition[] {
    return [...this.definitions.values()];
  }

  /** Validates a payload about to be written; throws the zod error on a bad one. */
  validateForWrite<Data>(type: string, data: Data): Data {
    return this.definition(type).schema.parse(data) as Data;
  }

  /** Upcasts a stored payload from `schemaVersion` to the current version, then validates it. */
  decode(type: string, data: unknown, schemaVersion: number): unknown {
    const definition = this.definition(type);
    let payload = data;
    for (let version = schemaVersion; version < definition.schemaVersion; version++) {
      const upcast = definition.upcasters?.[version];
      if (!upcast) {
        throw new Error(`Event type '${type}' has no upcaster from schema version ${version}`);
      }
      payload = upcast(payload);
    }
    return definition.schema.parse(payload);
  }
}
