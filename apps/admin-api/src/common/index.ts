/** Shared admin API plumbing: domain errors (mapped to HTTP by DomainExceptionFilter), pagination, id params. */
export * from './errors';
export { clampLimit, decodeCursor, DEFAULT_LIMIT, encodeCursor, keysetPage, MAX_LIMIT } from './page';
export type { KeysetOrder, Page } from './page';
export { PageQueryDto } from './page-query.dto';
export { ParseIdPipe } from './parse-id.pipe';
export { ApiPageResponse } from './api-page-response.decorator';
