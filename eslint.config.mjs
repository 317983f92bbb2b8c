// ESLint: typescript-eslint's strict type-checked rules, plus the import layering the codebase
// lives by (apps over libs, never the reverse; no lib or app code reaching into test/).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const layering = (zones) => ({
  'no-restricted-imports': ['error', { patterns: zones }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        // Stated explicitly (tsconfig says the same): with decorator metadata, a class used only as a
        // constructor parameter type is a runtime value, so scope analysis counts the import as used.
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
      },
    },
    rules: {
      // Nest resolves constructor parameters from emitted decorator metadata: an injected class
      // imported as a type would erase its runtime token. Neither rule may rewrite class imports
      // into `import type` (their --fix would), so both stay off.
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/no-import-type-side-effects': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true, allowStaticOnly: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `() => resolve()`, `() => server.close()`, `expect(() => policy.assert(...)).toThrow()`: an
      // arrow's shorthand body returning void is the idiom for callbacks; still flagged are void
      // values used in a block's `return`, a variable or an operand.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Response DTOs are classes only so @nestjs/swagger can read their property decorators; the API
      // builds plain objects of that shape (`UserDto.from` returns a literal) and nothing relies on
      // their prototype or instanceof. The rule would demand constructing every DTO for no gain.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // For the same reason spreading a response DTO copies every field it has (it is a literal).
      '@typescript-eslint/no-misused-spread': ['error', { allow: [{ from: 'file', name: ['UserDto', 'ApiKeyDto'] }] }],
    },
  },
  {
    // Tests keep every strict rule except these, which fight what a test legitimately does:
    files: ['test/**/*.ts', '**/*.spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      // Tests read JSON off the wire (`res.body`, `JSON.parse`, fake providers' recorded requests):
      // its shape is what the assertion checks, and jest's asymmetric matchers (`expect.any(...)`,
      // `expect.stringMatching(...)`) are typed `any`. Typing every response would only restate the
      // assertion next to it.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // `rows.find(...)!` right before asserting on the row: if the row is missing the test fails,
      // which is exactly what it should do.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `afterAll(() => admin?.close())`: teardown runs even when `beforeAll` threw, so a variable
      // typed as assigned may still be undefined there; the optional chain is required, not redundant.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/**/*.spec.ts'],
    rules: layering([
      { group: ['**/apps/**', '@app/gateway*', '@app/admin-api*'], message: 'libs never import apps' },
      { group: ['**/test/**'], message: 'libs never import test/' },
    ]),
  },
  {
    files: ['apps/**/*.ts'],
    ignores: ['apps/**/*.spec.ts'],
    rules: layering([
      { group: ['**/test/**'], message: 'apps never import test/' },
      { group: ['**/libs/*/src/**', '../../libs/**'], message: 'import a lib through its @app/<lib> entry' },
    ]),
  },
  prettier,
);
