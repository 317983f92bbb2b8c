import 'reflect-metadata';
import cluster from 'node:cluster';
import {
  createRootLogger,
  describeStartupError,
  StartupError,
  exitWithSupervisor,
  loadConfigOrExit,
  prepareDatabase,
  SUPERVISOR_PID_VARIABLE,
} from '@app/core';
import { SECRET_FIELD_NAMES } from '@app/providers';
import { createGatewayApp, installGracefulShutdown } from './gateway-app';

/**
 * (Loaded by main.ts in the gateway's main thread only.) One gateway process, or with GATEWAY_WORKERS > 1 a cluster of them sharing the port. Each
 * worker is a full replica: own key cache, quota leases and usage spool.
 */
async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit('gateway');
  exitWithSupervisor(config.supervisorPid);
  const logger = createRootLogger(config.logLevel, 'gateway', SECRET_FIELD_NAMES);
  const { url } = await prepareDatabase(config, (line) => logger.debug({ postgres: line }));

  if (config.gatewayWorkers > 1 && cluster.isPrimary) {
    superviseWorkers(config.gatewayWorkers, url, logger);
    return;
  }
  const app = await createGatewayApp(config, url, logger);
  const server = await app.listen(config.gatewayPort, config.host).catch((error: unknown) => {
    throw new StartupError(describeStartupError(error, { port: config.gatewayPort, host: config.host, variable: 'GATEWAY_PORT' }));
  });
  server.keepAliveTimeout = 65_000;
  installGracefulShutdown(app, logger);
  logger.info({ url: `http://${config.host}:${config.gatewayPort}`, worker: cluster.worker?.id }, 'gateway listening');
}

function superviseWorkers(count: number, databaseUrl: string, logger: ReturnType<typeof createRootLogger>): void {
  let stopping = false;
  const fork = () => cluster.fork({ DATABASE_URL: databaseUrl, [SUPERVISOR_PID_VARIABLE]: String(process.pid) });
  for (let i = 0; i < count; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    logger.error({ worker: worker.id, code, signal }, 'gateway worker died; starting another');
    fork();
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${describeStartupError(error)}\n`);
  process.exit(1);
});
