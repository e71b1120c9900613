import { encodeKey } from '@pulse/platform/text/document-key';
import type { ShopperProfileDocument } from '@pulse/shoppers/projections/shopper-profile.document';
import { ShopperInterest } from '../pipeline/profile/shopper-interest';
import { personalRerank, type RerankCandidate } from './personal-rerank';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');

// A shopper into running shoes; three equally relevant text matches.
const interest = ShopperInterest.from(
  {
    shopperId: 'u1',
    halfLifeMs: 14 * 86_400_000,
    affinities: {
      categories: { [encodeKey('Shoes')]: { value: 3, at: NOW }, [encodeKey('Shoes>Running')]: { value: 3, at: NOW } },
      brands: {},
      terms: {},
      priceBands: {},
    },
    recentInteractions: [],
    purchasedItemIds: [],
    cart: {},
    currentSession: { sessionId: 's', startedAt: '', lastAt: '', itemIds: [] },
    counts: { search: 0, view: 0, add_to_cart: 0, remove_from_cart: 0, purchase: 0 },
    firstSeenAt: '',
    lastSeenAt: '',
    lastEventAt: '',
  } as ShopperProfileDocument,
  NOW,
);
const item = (itemId: string, category: string): RerankCandidate => ({
  itemId,
  textScore: 5,
  categoryKeys: category.split('>').map((_, i, parts) => parts.slice(0, i + 1).join('>')),
  brand: '',
  price: 50,
  currency: 'EUR',
});
const candidates = [item('sock', 'Apparel>Socks'), item('runner', 'Shoes>Running'), item('hat', 'Apparel>Hats')];
const order = (hits: { itemId: string }[]) => hits.map((h) => h.itemId);

describe('personalRerank', () => {
  it('given only the interest state, then the running shoe leads and the others keep text order', () => {
    const hits = personalRerank(candidates, interest, 0.3);
    expect(order(hits)).toEqual(['runner', 'hat', 'sock']);
    expect(hits.every((h) => h.model === undefined)).toBe(true);
  });

  it('given model scores, then the model takes half the personal part: its favourite passes the items it scores low', () => {
    const model = new Map([
      ['sock', 2.0],
      ['runner', 1.0],
      ['hat', -1.0],
    ]);
    const hits = personalRerank(candidates, interest, 0.3, model);
    // Min-max over -1..2: runner 2/3, sock 1, hat 0; personal = 0.5·model + 0.5·interest.
    expect(hits.map((h) => [h.itemId, Number(h.model!.toFixed(4))])).toEqual([
      ['runner', 0.6667],
      ['sock', 1],
      ['hat', 0],
    ]);
    expect(hits[1]!.personal).toBeCloseTo(0.5);
    expect(hits[2]!.personal).toBe(0);
  });

  it('gives a candidate the model cannot score 0 for the model part, and no model part when it scores none', () => {
    const partial = personalRerank(candidates, interest, 0.3, new Map([['hat', 1]]));
    expect(partial.find((h) => h.itemId === 'sock')!.model).toBe(0);
    expect(partial.find((h) => h.itemId === 'hat')!.model).toBe(1);
    const none = personalRerank(candidates, interest, 0.3, new Map());
    expect(none.every((h) => h.model === undefined)).toBe(true);
  });
});
