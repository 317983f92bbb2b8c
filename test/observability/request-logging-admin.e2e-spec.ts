import { AdminApp, call, createAdminApp, loginAs } from '../support/admin-app';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { waitFor } from '@app/core/testing';
import { capturing, chat, requestLogScene } from './request-log-scene';

/** See request-log-scene.ts for why the admin API and the gateway's Nest lines are checked in separate files. */
describe('admin request log lines; gateway metered calls at info (real apps, real PostgreSQL)', () => {
  const scene = requestLogScene();

  describe('admin API at info', () => {
    let admin: AdminApp;
    const log = capturing('info');
    beforeAll(async () => {
      await scene.seed.user({ departmentId: null, role: 'admin', email: 'log-admin@x.test', password: 'a-long-password' });
      admin = await createAdminApp(scene.url, {}, log.logger);
    });
    afterAll(() => admin?.close());

    it('writes one line per request with route, status, caller and request id; never the token or a password', async () => {
      const token = await loginAs(admin.url, 'log-admin@x.test', 'a-long-password');
      const res = await call(admin.url, 'GET', '/api/departments?limit=5', token);
      expect(res.status).toBe(200);
      const requestId = res.headers.get('x-request-id');
      const line = await waitFor(
        () => (log.text(), log.lines.find((entry) => entry.msg === 'admin request' && entry.reqId === requestId)),
        'the admin request line',
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}; id ${requestId}; lines: ${log.text().slice(-3000)}`);
      });
      expect(line).toMatchObject({ level: 30, route: '/api/departments', req: { method: 'GET', path: '/api/departments' }, res: { status: 200 } });
      expect(typeof line.userId).toBe('string');
      const text = log.text();
      expect(text).not.toContain(token);
      expect(text).not.toContain('a-long-password');
    });
  });
  describe('gateway at info', () => {
    let gateway: RunningGateway;
    const log = capturing('info');
    beforeAll(async () => (gateway = await startGateway(scene.url, {}, log.logger)));
    afterAll(() => gateway?.close());

    it('writes no request line (a level check only on the hot path)', async () => {
      const res = await chat(gateway.url, scene.key);
      expect(res.status).toBe(200);
      await res.text();
      log.text();
      expect(log.lines.filter((line) => line.msg === 'gateway request')).toEqual([]);
    });
  });
});
