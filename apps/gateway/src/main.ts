import 'reflect-metadata';
import { createRootLogger, loadConfigOrExit, prepareDatabase } from '@app/core';
import { createGatewayApp, installGracefulShutdown } from './gateway-app';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createRootLogger(config.logLevel, 'gateway');
  const { url } = await prepareDatabase(config, (line) => logger.debug({ postgres: line }));
  const app = await createGatewayApp(config, url, logger);
  const server = await app.listen(config.gatewayPort, config.host);
  server.keepAliveTimeout = 65_000;
  installGracefulShutdown(app, logger);
  logger.info({ url: `http://${config.host}:${config.gatewayPort}` }, 'gateway listening');
}

bootstrap().catch((error: Error) => {
  process.stderr.write(`gateway failed to start: ${error.message}\n`);
  process.exit(1);
});
