import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pino, { Logger } from 'pino';
import { createGatewayApp } from '../../apps/gateway/src/gateway-app';
import { testConfig } from '@app/core/testing';

export interface RunningGateway {
  app: NestExpressApplication;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** The real gateway application, in this process, on a free loopback port. */
export async function startGateway(databaseUrl: string, env: Record<string, string> = {}, logger: Logger = pino({ level: 'silent' })): Promise<RunningGateway> {
  const config = testConfig(databaseUrl, env);
  const app = await createGatewayApp(config, databaseUrl, logger);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, dataDir: config.dataDir, close: () => app.close() };
}
