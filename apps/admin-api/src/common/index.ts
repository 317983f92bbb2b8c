/** Shared admin API plumbing: domain errors (mapped to HTTP by DomainExceptionFilter), validation, pagination, id params. */
export * from './errors';
export { clampLimit, decodeCursor, decodeTimeCursor, DEFAULT_LIMIT, encodeCursor, INVALID_CURSOR, keysetPage, MAX_LIMIT } from './page';
export type { KeysetOrder, Page } from './page';
export { PageQueryDto } from './page-query.dto';
export { ParseIdPipe } from './parse-id.pipe';
export { ApiPageResponse } from './api-page-response.decorator';
export { createValidationPipe } from './validation.pipe';
