/**
 * Test fixtures of the usage lib (`@app/usage/testing`), shared by its specs and the e2e suites in
 * test/: never imported by production code.
 */
export * from './usage-records';
