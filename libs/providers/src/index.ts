export * from './provider-adapter';
export * from './provider-registry';
export * from './usage';
export * from './streaming/sse-usage-tap';
