export * from './tf-runtime';
export * from './gather-gradient';
export * from './wasm-matmul';
export * from './seeding';
export * from './model-artifacts';
