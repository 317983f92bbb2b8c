/** Usage-record fixtures for the libs' specs and the e2e suites (`@app/usage/testing`); never imported by production code. */
export * from './usage-records';
