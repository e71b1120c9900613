import { Module } from '@nestjs/common';
import { ItemListingController } from './http/item-listing.controller';

/** Ranking and listing from the item statistics; recommendations and search come here next. */
@Module({ controllers: [ItemListingController] })
export class RecommendationsModule {}
