export * from './shopper-profile.projection';
export * from './shopper-profile.document';
export * from './shopper-profile.options';
export * from './shopper-profile-items';
export * from './interaction-weights';
export * from './price-band';
