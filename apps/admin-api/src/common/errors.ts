/**
 * Domain errors: services throw these, never HttpException, so jobs, the CLI and other callers
 * share them; `DomainExceptionFilter` maps them to HTTP in one place (an exhaustive switch over
 * `kind`). Messages are shown to the caller: never put a secret or a stack in one.
 */
export type DomainErrorKind = 'not_found' | 'forbidden' | 'conflict' | 'invalid' | 'unauthorized' | 'too_many_requests';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;

  constructor(
    message: string,
    /** Response headers the error carries (e.g. `retry-after`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 404: the addressed record does not exist. */
export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
}

/** 403: the caller is signed in but their role or department may not do this. */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

/** 409: a duplicate (email, name) or a state that forbids the change (department still has users). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

/** 400: a value is wrong; the message starts with the field it is about (`providerId: ...`). */
export class ValidationError extends DomainError {
  readonly kind = 'invalid';
}

/** 401: not signed in, or the credentials are wrong. */
export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthorized';
}

/** 429: slow down; carries `retry-after` seconds. */
export class TooManyRequestsError extends DomainError {
  readonly kind = 'too_many_requests';

  constructor(message: string, retryAfterSeconds: number) {
    super(message, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

// Short factories, used across the app's services (`throw notFound('User', id)`).
export const notFound = (what: string, id?: string) => new NotFoundError(id ? `${what} ${id} does not exist` : `${what} does not exist`);
export const forbidden = (message = 'You are not allowed to do this') => new ForbiddenError(message);
export const conflict = (message: string) => new ConflictError(message);
/** `invalid('providerId: provider … does not exist')` — name the field first. */
export const invalid = (message: string) => new ValidationError(message);
export const unauthorized = (message = 'Invalid credentials') => new UnauthorizedError(message);
export const tooManyRequests = (message: string, retryAfterSeconds: number) => new TooManyRequestsError(message, retryAfterSeconds);
