import { RunningGateway, startGateway } from '../support/gateway-harness';
import { waitFor } from '@app/core/testing';
import { capturing, chat, requestLogScene } from './request-log-scene';

/** See request-log-scene.ts for why the admin API and the gateway's Nest lines are checked in separate files. */
describe('gateway request log lines at debug (real app, real PostgreSQL)', () => {
  const scene = requestLogScene();

  describe('gateway at debug', () => {
    let gateway: RunningGateway;
    const log = capturing('debug');
    beforeAll(async () => (gateway = await startGateway(scene.url, {}, log.logger)));
    afterAll(() => gateway?.close());

    it('writes one line per metered call (served from node:http) and per Nest route, with the request id and no key', async () => {
      const res = await chat(gateway.url, scene.key);
      expect(res.status).toBe(200);
      await res.text();
      const requestId = res.headers.get('x-request-id');
      const hot = await waitFor(
        () => (log.text(), log.lines.find((line) => line.msg === 'gateway request' && line.requestId === requestId)),
        "the metered call's line",
      );
      expect(hot).toMatchObject({ level: 20, method: 'POST', path: '/v1/chat/completions', status: 200 });
      expect(typeof hot.ms).toBe('number');

      const models = await fetch(`${gateway.url}/v1/models?probe=1`, {
        headers: { authorization: `Bearer ${scene.key}`, 'x-request-id': 'caller-chosen-id-1' },
      });
      expect(models.status).toBe(200);
      expect(models.headers.get('x-request-id')).toBe('caller-chosen-id-1');
      const nest = await waitFor(
        () => (log.text(), log.lines.find((line) => line.msg === 'gateway request' && line.requestId === 'caller-chosen-id-1')),
        "the Nest route's line",
      );
      // the same line as a metered call's (no nestjs-pino on the gateway), with Nest's route pattern
      expect(nest).toMatchObject({ level: 20, method: 'GET', path: '/v1/models', route: '/v1/models', status: 200 });
      expect(log.text()).not.toContain(scene.key);
      expect(log.text()).not.toContain('probe=1');
    });
  });
});
