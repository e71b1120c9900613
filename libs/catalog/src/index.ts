export * from './domain/item.events';
export * from './domain/item.decider';
