import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppConfig, AppLogger } from '@app/core';
import { AdminApiModule } from './app.module';

/** Builds the admin API (main.ts and the e2e tests run the same thing). */
export async function createAdminApp(config: AppConfig, databaseUrl: string, logger: Logger): Promise<NestExpressApplication> {
  const appLogger = new AppLogger(logger);
  const app = await NestFactory.create<NestExpressApplication>(AdminApiModule.register({ config, databaseUrl, logger: appLogger }), {
    logger: appLogger,
  });
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.useBodyParser('json', { limit: '1mb' });
  app.setGlobalPrefix('api', { exclude: ['/', 'healthz', 'readyz', 'metrics', 'dashboard/{*path}'] });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tollgate admin API')
      .setDescription('Departments, users, API keys, providers, models and prices, quotas, usage and reports. Sign in with POST /api/auth/login.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  app.enableShutdownHooks();
  return app;
}
