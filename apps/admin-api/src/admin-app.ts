import type { NextFunction, Request, Response } from 'express';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AppConfig, AppLogger } from '@app/core';
import { AdminApiModule } from './app.module';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Builds the admin API: main.ts and every e2e test (test/support/admin-app.ts) run exactly this,
 * so pipes, guards, filter, prefix and OpenAPI are the same in both.
 */
export async function createAdminApp(config: AppConfig, databaseUrl: string, logger: Logger): Promise<NestExpressApplication> {
  const appLogger = new AppLogger(logger);
  const app = await NestFactory.create<NestExpressApplication>(AdminApiModule.register({ config, databaseUrl, logger: appLogger }), {
    logger: appLogger,
    bodyParser: false,
  });
  // from here on Nest logs through nestjs-pino: the root logger's redaction, the request id on every line
  app.useLogger(app.get(NestPinoLogger));
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders);
  app.use(jsonOnly);
  app.useBodyParser('json', { limit: '1mb' });
  app.setGlobalPrefix('api', { exclude: ['/', 'healthz', 'readyz', 'metrics', 'dashboard/{*path}'] });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tollgate admin API')
      .setDescription(
        'Departments, users, API keys, providers, models and prices, quotas, usage and reports. ' +
          'Sign in with POST /api/auth/login and send `Authorization: Bearer <accessToken>`. ' +
          'Lists answer {items, nextCursor}; pass nextCursor back as `cursor` for the next page (limit: 1-500, default 50). ' +
          'Errors answer {statusCode, error, message, errors?: [{field, code}]}: a 400 names each bad field machine-readably.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  app.enableShutdownHooks();
  return app;
}

/** One year, as HSTS preload lists expect. */
const HSTS = 'max-age=31536000; includeSubDomains';
/** The JSON API renders nothing and may be framed by nothing. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
/** Swagger UI (`/api/docs`) loads its own scripts and styles; it still may not be framed. */
const DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

/**
 * Headers a reviewer expects on every answer: no framing (clickjacking) by CSP `frame-ancestors
 * 'none'` and `X-Frame-Options: DENY`, no MIME sniffing, no referrer; HSTS when the request came
 * over TLS (`req.secure`, which believes `X-Forwarded-Proto` only from `TRUST_PROXY`). The
 * console's pages set their own fuller CSP over this one.
 */
function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('content-security-policy', req.path.startsWith('/api/docs') ? DOCS_CSP : API_CSP);
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  if (req.secure) res.setHeader('strict-transport-security', HSTS);
  next();
}

/** JSON in: a request body of any other type is refused with 415 rather than half-understood. */
function jsonOnly(req: Request, res: Response, next: NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (BODY_METHODS.has(req.method) && hasBody && !req.is('application/json')) {
    res.status(415).json({ statusCode: 415, error: 'Unsupported Media Type', message: 'Send JSON with Content-Type: application/json' });
    return;
  }
  next();
}
