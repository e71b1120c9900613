import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { itemEventDefinitions } from '@pulse/catalog/domain/item.events';
import type { EventMetadata } from '@pulse/platform/events/event-metadata';
import type { EventDefinition } from '@pulse/platform/events/event-registry';
import { modelEventDefinitions } from '@pulse/models/registry/model.events';
import { servedEventDefinitions } from '@pulse/recommendations/domain/served.events';
import { recommendationsRefreshedEvent } from '@pulse/recommendations/refresh/recommendations-refreshed.event';
import { modelIncrementallyUpdatedEvent } from '@pulse/models/learning/model-incrementally-updated.event';
import { shopperEventDefinitions } from './shopper.events';

/**
 * Keeps docs/events.md, the contract with services that subscribe to the
 * log, true to the registered events: a new type, field, metadata field or
 * schema version fails here until it is documented, and every example must
 * still pass its schema.
 */

const doc = readFileSync(join(__dirname, '../../../../docs/events.md'), 'utf8');

// Typed against EventMetadata so adding a metadata field breaks the typecheck here.
const metadataFields = {
  correlationId: true,
  causationId: true,
  clientEventId: true,
  occurredAt: true,
  receivedAt: true,
  schemaVersion: true,
} satisfies Record<keyof EventMetadata, true>;

const definitionsByStreamPrefix: [string, readonly EventDefinition<any>[]][] = [
  ['shopper-', shopperEventDefinitions],
  ['item-', itemEventDefinitions],
  ['recommendation-', servedEventDefinitions.filter((d) => d.type === 'RecommendationsServed')],
  ['search-', servedEventDefinitions.filter((d) => d.type === 'SearchResultsServed')],
  ['model-', modelEventDefinitions],
  ['recommendations-', [recommendationsRefreshedEvent]],
  ['model-', [modelIncrementallyUpdatedEvent]],
];

/** The text under a heading, up to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string | undefined {
  const level = heading.match(/^#+/)![0].length;
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && new RegExp(`^#{1,${level}} `).test(line));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

function payloadFields(definition: EventDefinition<any>): string[] {
  if (!(definition.schema instanceof z.ZodObject)) {
    throw new Error(`${definition.type}: expected an object schema to list its fields`);
  }
  return Object.keys(definition.schema.shape);
}

interface DocumentedExample {
  streamId: string;
  eventId: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

function example(text: string): DocumentedExample {
  const block = text.match(/```json\n([\s\S]*?)```/);
  if (!block) throw new Error('no ```json example');
  return JSON.parse(block[1]!) as DocumentedExample;
}

describe('docs/events.md', () => {
  it.each(Object.keys(metadataFields))('documents the metadata field %s', (field) => {
    expect(section(doc, '## What every event carries')).toContain(`\`${field}\``);
  });

  it.each(definitionsByStreamPrefix.map(([prefix]) => prefix))('documents the stream prefix %s', (prefix) => {
    expect(section(doc, '## Streams')).toContain(`\`${prefix}<`);
  });

  it('documents no event type that is not registered', () => {
    const registered = new Set(
      definitionsByStreamPrefix.flatMap(([, definitions]) => definitions.map((d) => d.type)),
    );
    const documented = ['## Shopper events', '## Item events', '## Served events', '## Model events'].flatMap((heading) =>
      [...(section(doc, heading) ?? '').matchAll(/^### (\S+)\s*$/gm)].map((match) => match[1]!),
    );
    expect(documented.filter((type) => !registered.has(type))).toEqual([]);
  });

  describe.each(definitionsByStreamPrefix)('events of %s streams', (prefix, definitions) => {
    describe.each(definitions.map((definition) => [definition.type, definition] as const))(
      '%s',
      (type, definition) => {
        const text = section(doc, `### ${type}`);

        it('has a section', () => {
          expect(text).toBeDefined();
        });

        it('states the current schema version', () => {
          expect(text).toContain(`Schema version: ${definition.schemaVersion}`);
        });

        it('names every payload field', () => {
          const missing = payloadFields(definition).filter(
            (field) => !text?.includes(`\`${field}\``),
          );
          expect(missing).toEqual([]);
        });

        it('has an example that passes the schema, with full metadata', () => {
          const documented = example(text ?? '');
          expect(documented.type).toBe(type);
          expect(documented.streamId.startsWith(prefix)).toBe(true);
          expect(documented.eventId).toMatch(
            /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
          );
          expect(() => definition.schema.parse(documented.data)).not.toThrow();
          expect(documented.metadata.schemaVersion).toBe(definition.schemaVersion);
          // clientEventId is only there for events that came from a shop's client.
          const required = Object.keys(metadataFields).filter(
            (field) => field !== 'clientEventId' || prefix === 'shopper-',
          );
          expect(Object.keys(documented.metadata).sort()).toEqual(required.sort());
        });
      },
    );
  });
});
