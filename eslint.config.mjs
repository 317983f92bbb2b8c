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
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Nest resolves constructor parameters from emitted decorator metadata: an injected class
      // imported as a type would erase its runtime token.
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true, allowStaticOnly: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
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
