import { Inject, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CatalogModule } from '@pulse/catalog/catalog.module';
import { RecordInteractionsHandler } from './application/record-interactions.handler';
import {
  SHOPPER_ACTORS,
  type ShopperActors,
  shopperActorsProvider,
} from './application/shopper-actors.provider';
import { EventsController } from './http/events.controller';
import { ShopperProfileController } from './http/shopper-profile.controller';

@Module({
  imports: [CatalogModule],
  controllers: [EventsController, ShopperProfileController],
  providers: [shopperActorsProvider, RecordInteractionsHandler],
})
export class ShoppersModule implements OnModuleInit, OnModuleDestroy {
  private passivation?: NodeJS.Timeout;

  constructor(@Inject(SHOPPER_ACTORS) private readonly shoppers: ShopperActors) {}

  onModuleInit(): void {
    this.passivation = setInterval(() => this.shoppers.sweep(), 30_000).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.passivation);
  }
}
