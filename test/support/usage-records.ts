/** Moved to libs/usage/src/testing (one fixture layer for the libs' specs and test/). */
export * from '../../libs/usage/src/testing/usage-records';
