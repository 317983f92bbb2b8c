import { AdminApp, createAdminApp } from './admin-app';

/** The admin app with `call`/`login` bound: the same harness as `createAdminApp` (admin-app.ts). */
export type RunningAdmin = AdminApp;

/** `createAdminApp` under its older name; new tests use `createAdminApp` directly. */
export function startAdmin(databaseUrl: string, env: Record<string, string> = {}): Promise<RunningAdmin> {
  return createAdminApp(databaseUrl, env);
}
