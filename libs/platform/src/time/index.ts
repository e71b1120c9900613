export * from './decay';
export * from './decayed-map';
