import { Inject, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CatalogLookup } from './application/catalog-lookup.service';
import { ItemCommandHandler } from './application/item-command.handler';
import { ITEM_ACTORS, type ItemActors, itemActorsProvider } from './application/item-actors.provider';
import { ItemsController } from './http/items.controller';

@Module({
  controllers: [ItemsController],
  providers: [itemActorsProvider, ItemCommandHandler, CatalogLookup],
  exports: [CatalogLookup],
})
export class CatalogModule implements OnModuleInit, OnModuleDestroy {
  private passivation?: NodeJS.Timeout;

  constructor(@Inject(ITEM_ACTORS) private readonly items: ItemActors) {}

  onModuleInit(): void {
    this.passivation = setInterval(() => this.items.sweep(), 30_000).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.passivation);
  }
}
