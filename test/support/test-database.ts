/** Moved to libs/core/src/testing (one fixture layer for the libs' specs and test/). */
export * from '../../libs/core/src/testing/test-database';
