import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { Repository } from 'typeorm';
import { AppConfig, hashPassword, ROOT_LOGGER, User } from '@app/core';
import { ProvidersService } from '../providers/providers.service';

/**
 * Start-up bootstrapping from the environment (CONTRACT "Configuration"): the first admin from
 * ADMIN_EMAIL/ADMIN_PASSWORD when no admin exists, and a DashScope / Huawei MaaS provider from
 * their API keys when none of that kind exists. Idempotent, safe with several replicas.
 */
@Injectable()
export class FirstRunService implements OnApplicationBootstrap {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(ProvidersService) private readonly providers: ProvidersService,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.firstAdmin();
    await this.providersFromEnvironment();
  }

  async createAdmin(email: string, password: string, name = 'Administrator'): Promise<User> {
    const user = this.users.create({ email: email.toLowerCase(), name, role: 'admin', departmentId: null, passwordHash: await hashPassword(password), active: true });
    return this.users.save(user);
  }

  private async firstAdmin(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    if (!adminEmail || !adminPassword) return;
    if (await this.users.exists({ where: { role: 'admin' } })) return;
    try {
      await this.createAdmin(adminEmail, adminPassword);
      this.logger.info({ email: adminEmail }, 'first admin created');
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error; // another replica did it
    }
  }

  private async providersFromEnvironment(): Promise<void> {
    const { dashscope, huaweiMaas } = this.config.bootstrapProviders;
    if (dashscope && !(await this.providers.existsOfKind('dashscope'))) {
      await this.providers.create(null, {
        name: 'dashscope',
        kind: 'dashscope',
        baseUrl: dashscope.baseUrl,
        apiKey: dashscope.apiKey,
        options: defined({ accessKeyId: dashscope.accessKeyId, accessKeySecret: dashscope.accessKeySecret }),
      });
      this.logger.info('dashscope provider created from the environment');
    }
    if (huaweiMaas && !(await this.providers.existsOfKind('huawei-maas'))) {
      await this.providers.create(null, {
        name: 'huawei-maas',
        kind: 'huawei-maas',
        baseUrl: huaweiMaas.baseUrl,
        apiKey: huaweiMaas.apiKey,
        options: defined({ accessKey: huaweiMaas.accessKey, secretKey: huaweiMaas.secretKey, region: huaweiMaas.region, projectId: huaweiMaas.projectId }),
      });
      this.logger.info('huawei-maas provider created from the environment');
    }
  }
}

function defined(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
