/**
 * Domain errors: services throw these, never HttpException, so jobs and other callers share
 * them; `DomainExceptionFilter` maps them to HTTP in one place.
 */
export type DomainErrorKind = 'not_found' | 'forbidden' | 'conflict' | 'invalid' | 'unauthorized' | 'too_many_requests';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string, id?: string) => new DomainError('not_found', id ? `${what} ${id} does not exist` : `${what} does not exist`);
export const forbidden = (message = 'You are not allowed to do this') => new DomainError('forbidden', message);
export const conflict = (message: string) => new DomainError('conflict', message);
export const invalid = (message: string) => new DomainError('invalid', message);
export const unauthorized = (message = 'Invalid credentials') => new DomainError('unauthorized', message);
