import { zodProblems } from '@pulse/platform/http/request-validation';
import { interactionWireEvent } from './interaction.wire-schema';

const view = {
  eventId: '0b7c2c8e-6f0a-4a4a-9a55-1d2f3e4a5b6c',
  type: 'view',
  shopperId: 'shopper-1',
  sessionId: 'session-1',
  occurredAt: '2026-11-27T10:00:00Z',
  itemId: 'sku-1',
};

function problems(input: unknown) {
  const result = interactionWireEvent.safeParse(input);
  if (result.success) throw new Error('expected a validation failure');
  return zodProblems(result.error, 'events[0]');
}

describe('interaction wire schema', () => {
  it('accepts every event type in its documented shape', () => {
    const { itemId: _unused, ...base } = view;
    const valid = [
      view,
      { ...base, type: 'search', query: 'red shoes', resultItemIds: ['a', 'b'] },
      { ...view, type: 'add_to_cart', quantity: 2 },
      { ...view, type: 'remove_from_cart' },
      { ...view, type: 'purchase', quantity: 1, price: 9.99, currency: 'EUR' },
      { ...view, attribution: { recommendationId: 'r1', position: 3 } },
      { ...view, attribution: { searchId: 's1' } },
    ];
    for (const event of valid) expect(interactionWireEvent.safeParse(event).success).toBe(true);
  });

  it('defaults quantity to 1 for cart events', () => {
    const parsed = interactionWireEvent.parse({ ...view, type: 'add_to_cart' });
    expect(parsed).toMatchObject({ quantity: 1 });
  });

  it.each([
    ['an unknown type', { ...view, type: 'click' }, 'events[0].type', /must be one of search, view/],
    ['a missing item id', { ...view, itemId: undefined }, 'events[0].itemId', /string/],
    ['a misspelt field', { ...view, itemID: 'x' }, 'events[0].itemID', /unknown field 'itemID'/],
    ['a date without a zone', { ...view, occurredAt: '2026-11-27 10:00' }, 'events[0].occurredAt', /ISO 8601/],
    ['a non-UUID event id', { ...view, eventId: 'abc' }, 'events[0].eventId', /UUID/],
    ['a huge id', { ...view, shopperId: 'x'.repeat(10_000) }, 'events[0].shopperId', /at most 128/],
    ['a purchase without price', { ...view, type: 'purchase' }, 'events[0].price', /number/],
    ['a negative quantity', { ...view, type: 'add_to_cart', quantity: -1 }, 'events[0].quantity', />=1|too small/i],
    ['malformed attribution', { ...view, attribution: { foo: 1 } }, 'events[0].attribution', /recommendationId/],
  ])('names the field for %s', (_name, input, field, reason) => {
    const found = problems(input);
    expect(found.map((p) => p.field)).toContain(field);
    expect(found.find((p) => p.field === field)!.reason).toMatch(reason);
  });

  it('refuses a search query longer than 500 characters', () => {
    const { itemId: _unused, ...base } = view;
    const found = problems({ ...base, type: 'search', query: 'q'.repeat(501) });
    expect(found).toEqual([{ field: 'events[0].query', reason: 'must be at most 500 characters' }]);
  });
});
