// One runner, three levels named by file suffix (see DESIGN.md):
//   *.spec.ts      pure unit tests, no I/O
//   *.int-spec.ts  need a store (embedded SQLite always; EventStoreDB/MongoDB when their URL is set)
//   test/e2e/*.e2e-spec.ts  start the real service
const transform = { '^.+\\.ts$': ['@swc/jest'] };
const moduleNameMapper = {
  '^@pulse/(platform|catalog|shoppers|testing|ml|recommendations)$': '<rootDir>/libs/$1/src',
  '^@pulse/(platform|catalog|shoppers|testing|ml|recommendations)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const common = { transform, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'int', testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
  ],
};
