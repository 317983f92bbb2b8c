import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Level, Logger } from 'pino';

/** An `x-request-id` a caller may choose (anything else is replaced by a fresh UUID). */
const REQUEST_ID = /^[\w.-]{8,128}$/;

/** Paths scraped or probed every few seconds: counted in metrics, never a log line each. */
const QUIET_PATHS = new Set(['/metrics', '/healthz', '/livez', '/readyz']);

/**
 * The request's id, decided once: the response's `x-request-id` when something set it already,
 * else the caller's when it looks like one, else a fresh UUID — set on the response. Whoever
 * asks first (the logging middleware, the metrics middleware) decides it for all.
 */
export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const existing = res.getHeader('x-request-id');
  if (typeof existing === 'string') return existing;
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  if (!res.headersSent) res.setHeader('x-request-id', id);
  return id;
}

type RoutedRequest = IncomingMessage & { route?: { path?: string }; user?: { id?: string }; originalUrl?: string };

function pathOf(req: IncomingMessage): string {
  return ((req as RoutedRequest).originalUrl ?? req.url ?? '').split('?')[0];
}

export interface HttpLoggingOptions {
  /** The level of the one line per request (`debug` on the gateway, `info` on the admin API). */
  requestLevel: Level;
  /** The line's message, e.g. `admin request`. */
  message: string;
}

/**
 * Nest logging through `nestjs-pino` on the process's root logger (so its redaction applies):
 * Nest's own logs and every route's logs carry the request id; one line per request (method,
 * route pattern, status, duration, request id, caller id) at `requestLevel`, a 5xx at `error`.
 * The request and response are serialised to those fields only: no header, query string or body
 * reaches a log line, whatever redaction would catch.
 */
export function httpLoggingModule(logger: Logger, options: HttpLoggingOptions): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      logger,
      genReqId: (req, res) => requestIdFor(req, res),
      quietReqLogger: true,
      autoLogging: { ignore: (req) => QUIET_PATHS.has(pathOf(req)) },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : options.requestLevel),
      customSuccessMessage: () => options.message,
      customErrorMessage: () => options.message,
      customProps: (req, res) => {
        if (!res.writableEnded) return {};
        const routed = req as RoutedRequest;
        return { route: routed.route?.path ?? 'unmatched', userId: routed.user?.id };
      },
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, path: (req.url ?? '').split('?')[0] }),
        res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
      },
    },
  });
}

/**
 * The gateway's request line, without `nestjs-pino`: its middleware runs every request inside an
 * AsyncLocalStorage, and on Node 20 the first such request switches on async hooks for the whole
 * process, which then tax every promise of every metered call (~7 % of the gateway's CPU). At
 * debug, one line per request (request id, method, path, route pattern when Nest routed it,
 * status, ms); a 5xx on a Nest route is logged at error whatever the level (the metered routes
 * log their own failures through the error mapper). One level check per request otherwise.
 */
export function logRawRequest(logger: Logger, req: IncomingMessage, res: ServerResponse, message: string, options: { errorsAlways?: boolean } = {}): void {
  const debug = logger.isLevelEnabled('debug');
  if (!debug && !options.errorsAlways) return;
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const failed = res.statusCode >= 500;
    if (!debug && !failed) return;
    const requestId = res.getHeader('x-request-id');
    const route = (req as RoutedRequest).route?.path;
    logger[failed && options.errorsAlways ? 'error' : 'debug'](
      {
        requestId: typeof requestId === 'string' ? requestId : undefined,
        method: req.method,
        path: pathOf(req),
        ...(route ? { route } : {}),
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      },
      message,
    );
  });
}
