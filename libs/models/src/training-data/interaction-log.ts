/**
 * The builder's state between reading and finishing: every shopper
 * interaction as columns (typed arrays grow by doubling), because a log of
 * millions of events as one object per event costs several times the memory
 * and most of the time in GC.
 */

/** Interaction kinds as stored in the `kind` column. */
export const Kind = {
  search: 0,
  view: 1,
  add_to_cart: 2,
  remove_from_cart: 3,
  purchase: 4,
} as const;
export type KindCode = (typeof Kind)[keyof typeof Kind];

/** Shopper event types and their kind; other types are not interactions. */
export const KIND_OF_EVENT_TYPE: Readonly<Record<string, KindCode>> = {
  ShopperSearched: Kind.search,
  ShopperViewedItem: Kind.view,
  ShopperAddedItemToCart: Kind.add_to_cart,
  ShopperRemovedItemFromCart: Kind.remove_from_cart,
  ShopperPurchasedItem: Kind.purchase,
};

/** Interns strings to dense ints in order of first appearance. */
export class Interner {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];

  intern(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(value, id);
      this.values.push(value);
    }
    return id;
  }

  get size(): number {
    return this.values.length;
  }
}

/** Rows in log order. `item` is -1 for searches. */
export class InteractionLog {
  shopper = new Int32Array(1024);
  session = new Int32Array(1024);
  item = new Int32Array(1024);
  kind = new Uint8Array(1024);
  time = new Float64Array(1024);
  length = 0;

  push(shopper: number, session: number, item: number, kind: KindCode, time: number): void {
    if (this.length === this.shopper.length) this.grow();
    const i = this.length++;
    this.shopper[i] = shopper;
    this.session[i] = session;
    this.item[i] = item;
    this.kind[i] = kind;
    this.time[i] = time;
  }

  private grow(): void {
    const n = this.shopper.length * 2;
    this.shopper = resized(this.shopper, n);
    this.session = resized(this.session, n);
    this.item = resized(this.item, n);
    this.kind = resized(this.kind, n);
    this.time = resized(this.time, n);
  }
}

function resized<T extends Int32Array | Uint8Array | Float64Array>(array: T, length: number): T {
  const grown = new (array.constructor as new (n: number) => T)(length);
  grown.set(array);
  return grown;
}
