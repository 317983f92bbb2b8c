/**
 * One jest config for unit specs (beside the code) and e2e suites (test/).
 * swc transpiles TypeScript with decorator metadata, so Nest DI works without ts-jest's cost.
 */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  // NestJS 12 ships ES modules only; jest on Node 20 cannot require() them, so swc turns them
  // (and the few ESM-only packages they pull in) into CommonJS for the test runtime.
  transform: { '^.+\\.(ts|js|mjs)$': ['@swc/jest', swc] },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|file-type|strtok3|token-types|peek-readable|@tokenizer|uint8array-extras|load-esm|csv-stringify|csv-parse)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@app/core(|/.*)$': '<rootDir>/libs/core/src$1',
    '^@app/usage(|/.*)$': '<rootDir>/libs/usage/src$1',
    '^@app/providers(|/.*)$': '<rootDir>/libs/providers/src$1',
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
