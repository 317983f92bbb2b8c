import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { AppConfig, AppLogger } from '@app/core';
import { UsageMeter } from '@app/usage';
import { GatewayModule } from './app.module';
import { GatewayMetrics } from './metrics/gateway-metrics.service';
import { ProxyService } from './proxy/proxy.service';

const SHUTDOWN_GRACE_MS = 30_000;

/**
 * Builds the gateway application (used by main.ts and by the e2e tests, so both run the same
 * thing). Body parsing is off: the proxy reads each body once, itself, with its own size limit.
 */
export async function createGatewayApp(config: AppConfig, databaseUrl: string, logger: Logger): Promise<NestExpressApplication> {
  const appLogger = new AppLogger(logger);
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.register({ config, databaseUrl, logger: appLogger }), {
    bodyParser: false,
    logger: appLogger,
  });
  app.disable('x-powered-by');
  app.disable('etag');
  // The two metered routes are mounted on Express ahead of Nest's router: no guard, pipe or
  // interceptor applies to them (the proxy authenticates, parses and answers itself), so the hot
  // path skips Nest's per-request execution context. Their x-request-id is the usage event's id.
  const proxy = app.get(ProxyService);
  const express = app.getHttpAdapter().getInstance();
  const route = (operation: 'chat.completions' | 'embeddings') => (req: IncomingMessage, res: ServerResponse) => {
    proxy.handle(operation, req, res).catch((error: Error) => {
      // handle() answers every failure itself; this is the last line against a crash
      logger.error({ err: error.message, stack: error.stack }, 'unhandled error on the proxy path');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      if (!res.writableEnded) res.end();
    });
  };
  express.post('/v1/chat/completions', route('chat.completions'));
  express.post('/v1/embeddings', route('embeddings'));
  app.use((_req: IncomingMessage, res: ServerResponse, next: () => void) => {
    res.setHeader('x-request-id', randomUUID());
    next();
  });
  const metrics = app.get(GatewayMetrics);
  const meter = app.get(UsageMeter);
  meter.writer.onBatch = (_size, ms) => metrics.batchLatency.observe(ms / 1000);
  setInterval(() => metrics.spoolDepth.set(meter.pending), 1000).unref();
  return app;
}

/**
 * SIGTERM/SIGINT: stop accepting connections, let calls in flight finish (bounded), then close
 * the app, which flushes the usage writer. Whatever is still unwritten stays in the spool.
 */
export function installGracefulShutdown(app: INestApplication, logger: Logger): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining calls in flight');
    const server = app.getHttpServer() as Server;
    server.close();
    server.closeIdleConnections?.();
    const proxy = app.get(ProxyService);
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    while (proxy.callsInFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await app.close();
    logger.info('gateway stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
