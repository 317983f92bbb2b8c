import type { INestApplication } from '@nestjs/common';
import { ApiResponse, call as callApi, createAdminApp, EnvOverrides, loginAs } from './admin-app';

export interface RunningAdmin {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
  /** JSON call with an optional bearer token; returns status and parsed body. */
  call<T = any>(method: string, path: string, token?: string, body?: unknown): Promise<ApiResponse<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  login(email: string, password: string): Promise<string>;
}

/** `createAdminApp` from admin-app.ts with the call/login helpers bound to its URL. */
export async function startAdmin(databaseUrl: string, env: Record<string, string> = {}): Promise<RunningAdmin> {
  const admin = await createAdminApp(databaseUrl, env as EnvOverrides);
  return {
    ...admin,
    call: (method, path, token, body) => callApi(admin.url, method, path, token, body),
    login: (email, password) => loginAs(admin.url, email, password),
  };
}
