import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';
import { createAdminApp } from '../../apps/admin-api/src/admin-app';
import { testConfig } from './test-config';

export interface RunningAdmin {
  app: NestExpressApplication;
  url: string;
  close(): Promise<void>;
  /** JSON call with an optional bearer token; returns status and parsed body. */
  call<T = any>(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  login(email: string, password: string): Promise<string>;
}

/** The real admin API application, in this process, on a free loopback port. */
export async function startAdmin(databaseUrl: string, env: Record<string, string> = {}): Promise<RunningAdmin> {
  const config = testConfig(databaseUrl, env);
  const app = await createAdminApp(config, databaseUrl, pino({ level: 'silent' }));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const call: RunningAdmin['call'] = async (method, path, token, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (CSV, HTML)
    }
    return { status: res.status, body: parsed as never, headers: res.headers };
  };
  const login = async (email: string, password: string) => {
    const res = await call<{ accessToken: string }>('POST', '/api/auth/login', undefined, { email, password });
    if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken;
  };
  return { app, url, close: () => app.close(), call, login };
}
