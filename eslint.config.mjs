// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** What domain code may never import: it stays pure, testable and portable. */
const infrastructure = [
  { group: ['@nestjs/*'], message: 'Domain code does not depend on Nest.' },
  { group: ['mongodb', 'better-sqlite3', '@kurrent/*', '@eventstore/*'], message: 'Domain code does not touch a database client.' },
  { group: ['fastify', '@fastify/*', 'rxjs'], message: 'Domain code does not depend on transport or reactive plumbing.' },
  { group: ['**/application/**', '**/http/**', '**/nest/**', '**/*.adapter'], message: 'Domain code does not import outer layers.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'bin/**', 'test/support/*.js'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Event payloads and zod-inferred types legitimately carry `any` at the edges.
      '@typescript-eslint/no-explicit-any': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: [
      'libs/*/src/domain/**/*.ts',
      'libs/{catalog,shoppers,recommendations}/src/projections/**/*.ts',
      'libs/recommendations/src/pipeline/**/*.ts',
      'libs/recommendations/src/search/**/*.ts',
      'libs/platform/src/events/**/*.ts',
      'libs/platform/src/text/**/*.ts',
      'libs/platform/src/time/**/*.ts',
    ],
    ignores: ['**/testing/**', '**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: infrastructure }] },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'libs/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  prettier,
);
