/**
 * Test fixtures shared by the libs' specs and the e2e suites in test/ (`@app/core/testing`):
 * never imported by production code. The test PostgreSQL cluster is started by
 * test/support/global-setup.ts, which writes the state these read.
 */
export * from './test-state';
export * from './test-database';
export * from './test-config';
export * from './wait-for';
