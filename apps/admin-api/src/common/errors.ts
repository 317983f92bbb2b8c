/**
 * Domain errors: services throw these, never HttpException, so jobs, the CLI and other callers
 * share them; `DomainExceptionFilter` maps them to HTTP in one place (an exhaustive switch over
 * `kind`). Messages are shown to the caller: never put a secret or a stack in one.
 */
export type DomainErrorKind = 'not_found' | 'forbidden' | 'conflict' | 'invalid' | 'unauthorized' | 'too_many_requests';

/** One machine-readable problem with one field of the request (the console translates `code`). */
export interface FieldError {
  /** The field's path in the request, e.g. `email`, `priceTiers.1.minPromptTokens`, `cursor`. */
  field: string;
  /** Stable and machine-readable: a class-validator constraint (`isEmail`, `minLength`, `whitelistValidation`) or ours (`weak_password`, `conflict`, ...). */
  code: string;
}

/** `departmentId: ...` → `departmentId`: by convention a message names its field first. */
const FIELD_PREFIX = /^([A-Za-z_][\w.]*): /;

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  /** Set when the fields are known exactly (the validation pipe); otherwise derived from the message. */
  protected fieldErrors?: FieldError[];

  constructor(
    message: string,
    /** Response headers the error carries (e.g. `retry-after`). */
    readonly headers: Record<string, string> = {},
    /** A machine-readable code for the field the message names; the error's kind when omitted. */
    readonly code?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The fields the error is about: a `field: ...` message names one. */
  get errors(): FieldError[] {
    if (this.fieldErrors) return this.fieldErrors;
    const field = FIELD_PREFIX.exec(this.message)?.[1];
    return field ? [{ field, code: this.code ?? this.kind }] : [];
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

/**
 * 400 from the validation pipe: every problem of the request at once, as readable sentences
 * (`message`, an array) and as `{field, code}` pairs (`errors`).
 */
export class RequestValidationError extends ValidationError {
  constructor(
    readonly messages: string[],
    fields: FieldError[],
  ) {
    super(messages.join('; '));
    this.fieldErrors = fields;
  }
}

/** 401: not signed in, or the credentials are wrong. */
class UnauthorizedError extends DomainError {
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
export const forbidden = (message = 'You are not allowed to do this', code?: string) => new ForbiddenError(message, {}, code);
export const conflict = (message: string, code?: string) => new ConflictError(message, {}, code);
/** `invalid('providerId: provider … does not exist')` — name the field first; `code` is machine-readable (default `invalid`). */
export const invalid = (message: string, code?: string) => new ValidationError(message, {}, code);
export const unauthorized = (message = 'Invalid credentials') => new UnauthorizedError(message);
export const tooManyRequests = (message: string, retryAfterSeconds: number) => new TooManyRequestsError(message, retryAfterSeconds);
