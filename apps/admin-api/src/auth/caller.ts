import type { Role } from '@app/core';

/** The signed-in user a request acts for, resolved once per request by the JWT guard. */
export interface Caller {
  id: string;
  email: string;
  role: Role;
  departmentId: string | null;
  /** The sign-in session the request's token belongs to (absent for callers made outside HTTP). */
  sessionId?: string;
}
