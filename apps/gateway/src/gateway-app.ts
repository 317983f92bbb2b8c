import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { AppConfig, AppLogger, logRawRequest, requestIdFor } from '@app/core';
import { ApiDialect, dialectFor } from '@app/providers';
import { GatewayModule } from './app.module';
import { CountTokensService } from './proxy/count-tokens.service';
import { PassthroughService, passthroughEndpoint } from './proxy/passthrough.service';
import { ProxyService } from './proxy/proxy.service';

const SHUTDOWN_GRACE_MS = 30_000;

/** The metered routes served from node:http, by path, and the API dialect each speaks. */
const HOT_ROUTES = new Map<string, ApiDialect>([
  ['/v1/chat/completions', dialectFor('chat.completions')],
  ['/v1/embeddings', dialectFor('embeddings')],
  ['/v1/completions', dialectFor('completions')],
  ['/v1/messages', dialectFor('messages')],
  ['/v1/responses', dialectFor('responses')],
]);

const COUNT_TOKENS_PATH = '/v1/messages/count_tokens';

function hotRoute(url: string): ApiDialect | undefined {
  const query = url.indexOf('?');
  return HOT_ROUTES.get(query >= 0 ? url.slice(0, query) : url);
}

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
  // The metered routes are served straight from node:http, ahead of Express and Nest's
  // router: no middleware, guard, pipe or interceptor applies to them (the proxy authenticates,
  // parses and answers itself), and skipping Express's per-request work is a large share of the
  // gateway's own overhead. Everything else (/v1/models, health, metrics) goes through Nest.
  // Their x-request-id is the usage event's id.
  const proxy = app.get(ProxyService);
  const countTokens = app.get(CountTokensService);
  const passthrough = app.get(PassthroughService);
  const server: Server = app.getHttpServer();
  const nest = server.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const dialect = req.method === 'POST' ? hotRoute(req.url ?? '') : undefined;
    if (!dialect) {
      const path = (req.url ?? '').split('?')[0];
      // Claude Code probes its base URL with `HEAD /` before the first call.
      if (req.method === 'HEAD' && path === '/') return void res.writeHead(200).end();
      if (req.method === 'POST' && path === COUNT_TOKENS_PATH) {
        logRawRequest(logger, req, res, 'gateway request');
        return void countTokens.handle(req, res);
      }
      const passthroughRoute = req.method === 'POST' ? passthroughEndpoint(path) : undefined;
      if (passthroughRoute) {
        logRawRequest(logger, req, res, 'gateway request');
        return void passthrough.handle(passthroughRoute, req, res);
      }
      requestIdFor(req, res);
      logRawRequest(logger, req, res, 'gateway request', { errorsAlways: true });
      nest(req, res);
      return;
    }
    // one level check when debug is off; the request line (id, route, status, ms) when it is on
    logRawRequest(logger, req, res, 'gateway request');
    proxy.handle(dialect, req, res).catch((caught: unknown) => {
      // handle() answers every failure itself; this is the last line against a crash
      const error = caught as Error;
      logger.error({ err: error.message, stack: error.stack }, 'unhandled error on the proxy path');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      if (!res.writableEnded) res.end();
    });
  });
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
    // A busy client's keep-alive sockets are never idle, so closing idle ones alone would let it
    // keep sending calls for the whole grace period: every answer from now on closes its socket.
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      res.shouldKeepAlive = false;
    });
    server.closeIdleConnections();
    const proxy = app.get(ProxyService);
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    while (proxy.callsInFlight > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      server.closeIdleConnections();
    }
    await app.close();
    logger.info('gateway stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
