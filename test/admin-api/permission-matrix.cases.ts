import type { SeededUser, SeedUserOptions } from '../support/admin-app';

/**
 * The rows of the permission matrix (see permission-matrix.e2e-spec.ts): every admin API route ×
 * role × own/other department, as the contract's "who" column says. Department A is the team
 * lead's and the developer's; B is another.
 */
export type Actor = 'admin' | 'finance' | 'lead' | 'dev';
export const ACTORS: Actor[] = ['admin', 'finance', 'lead', 'dev'];
export const ROLE = { admin: 'admin', finance: 'finance', lead: 'team_lead', dev: 'developer' } as const;
type Verdict = 'allow' | 'deny';
type Grid = Record<Actor, Verdict>;

export const allow = (...actors: Actor[]): Grid => Object.fromEntries(ACTORS.map((actor) => [actor, actors.includes(actor) ? 'allow' : 'deny'])) as Grid;
export const EVERYONE = allow('admin', 'finance', 'lead', 'dev');
export const ADMIN_ONLY = allow('admin');
export const READERS = allow('admin', 'finance', 'lead'); // admin, finance, team lead (own department)
export const ORG_READERS = allow('admin', 'finance'); // what a team lead may not see: other departments
export const MANAGERS = allow('admin', 'lead'); // admin, team lead (own department)

export interface Case {
  /** The route pattern as Nest registered it, e.g. `GET /users/:id`. */
  route: string;
  what: string;
  /** The concrete path (fixtures created per call, so destructive calls have their own victim). */
  path: (actor: Actor) => Promise<string> | string;
  body?: (actor: Actor) => unknown;
  grid: Grid;
  /** Acts as a fresh user of the actor's role instead (for calls that end the actor's session). */
  as?: (actor: Actor) => Promise<string>;
}

/** What the rows need from the running suite: seeded ids and fresh victims for destructive calls. */
export interface MatrixFixtures {
  ids: Record<string, string>;
  who: Record<Actor, SeededUser>;
  unique(): string;
  self(actor: Actor): string;
  seedUser(options: SeedUserOptions): Promise<SeededUser>;
  freshDepartment(): Promise<string>;
  /** A call as the suite's admin that must succeed (fixture set-up inside a row). */
  asAdmin(method: string, path: string, body?: unknown): Promise<unknown>;
  /** A call as someone else, whatever its answer. */
  callAs(token: string, method: string, path: string): Promise<unknown>;
  freshUser(departmentId: string, role?: string): Promise<string>;
  freshKey(userId: string): Promise<string>;
  freshProvider(): Promise<string>;
  freshAccount(): Promise<string>;
  freshModel(): Promise<string>;
  freshQuota(scope: 'user' | 'department', subjectId: string): Promise<string>;
}
