import { DynamicModule, Global, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { AppConfig } from './config/app-config';
import { ChangeFeed } from './change-feed/change-feed';
import { SecretBox } from './crypto/secret-box';
import { AppLogger } from './logging/app-logger';

const DATABASE_URL = Symbol('DATABASE_URL');
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

export interface CoreModuleOptions {
  config: AppConfig;
  databaseUrl: string;
  logger: AppLogger;
  /** Pool size of this process's TypeORM connection pool. */
  poolSize?: number;
}

/**
 * What every process shares: configuration, the TypeORM connection (entities auto-loaded from
 * the feature modules), the credential cipher, the logger and the database change feed.
 */
@Global()
@Module({})
export class CoreModule implements OnModuleInit, OnApplicationShutdown {
  constructor(private readonly changeFeed: ChangeFeed) {}

  static forRoot(options: CoreModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: options.databaseUrl,
          autoLoadEntities: true,
          synchronize: false,
          migrationsRun: false,
          logging: false,
          extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 5000 },
          retryAttempts: 3,
          retryDelay: 1000,
        }),
      ],
      providers: [
        { provide: AppConfig, useValue: options.config },
        { provide: DATABASE_URL, useValue: options.databaseUrl },
        { provide: AppLogger, useValue: options.logger },
        { provide: ROOT_LOGGER, useValue: options.logger.pino },
        { provide: SecretBox, useValue: new SecretBox(options.config.secretKey) },
        {
          provide: ChangeFeed,
          useFactory: (url: string, logger: Logger) => new ChangeFeed(url, logger.child({ context: 'ChangeFeed' })),
          inject: [DATABASE_URL, ROOT_LOGGER],
        },
      ],
      exports: [AppConfig, DATABASE_URL, AppLogger, ROOT_LOGGER, SecretBox, ChangeFeed],
    };
  }

  async onModuleInit(): Promise<void> {
    await this.changeFeed.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.changeFeed.stop();
  }
}
