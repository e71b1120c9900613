// One runner, three levels named by file suffix (see DESIGN.md):
//   *.spec.ts      pure unit tests, no I/O
//   *.int-spec.ts  need a store (embedded SQLite always; EventStoreDB/MongoDB when their URL is set)
//   test/e2e/*.e2e-spec.ts  start the real service
const transform = { '^.+\\.(ts|js)$': ['@swc/jest'] };
// A few dependencies ship ESM only, which jest's CommonJS runtime can't load
// untransformed on Node 20 (@fastify/static → content-disposition, for /docs).
const transformIgnorePatterns = ['/node_modules/(?!(@fastify/static|content-disposition)/)'];
const moduleNameMapper = {
  '^@pulse/(platform|catalog|shoppers|testing|ml|recommendations|models)$': '<rootDir>/libs/$1/src',
  '^@pulse/(platform|catalog|shoppers|testing|ml|recommendations|models)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const common = { transform, transformIgnorePatterns, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  reporters: ['default', '<rootDir>/test/support/plain-summary.reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'int', testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
  ],
};
