export * from './domain/shopper.events';
export * from './domain/shopper.decider';
