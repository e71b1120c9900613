import { Inject, Injectable } from '@nestjs/common';
import { ITEM_ACTORS, type ItemActors } from './item-actors.provider';

/**
 * What other contexts may ask the catalog. Answers come from the item actors,
 * so an item PUT a moment ago is already known (the actor's mailbox orders
 * the read after the write).
 */
@Injectable()
export class CatalogLookup {
  constructor(@Inject(ITEM_ACTORS) private readonly items: ItemActors) {}

  /** The ids among `itemIds` that were never listed (delisted items are known). */
  async unknownItemIds(itemIds: Iterable<string>): Promise<string[]> {
    const distinct = [...new Set(itemIds)];
    const states = await Promise.all(distinct.map((id) => this.items.read(id)));
    return distinct.filter((_, i) => states[i]!.state.status === 'unlisted');
  }
}
