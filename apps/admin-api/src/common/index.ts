/** Shared admin API plumbing: domain errors (mapped to HTTP by DomainExceptionFilter), validation, pagination, id params. */
export * from './errors';
export type { Page } from './page';
export { ParseIdPipe } from './parse-id.pipe';
export { ApiPageResponse } from './api-page-response.decorator';
