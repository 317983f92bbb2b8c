import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, ROOT_LOGGER, User } from '@app/core';
import { providerKinds, ProviderSeed } from '@app/providers';
import { ValidationError } from '../common/errors';
import { ProvidersService } from '../providers/providers.service';
import { UsersService } from '../users/users.service';

/** Serialises start-up bootstrapping across replicas starting at once. */
const FIRST_RUN_LOCK = "hashtext('tollgate:first-run')";

/**
 * Start-up bootstrapping from the environment (CONTRACT "Configuration"): the first admin from
 * ADMIN_EMAIL/ADMIN_PASSWORD when no admin exists, and a provider of each kind whose folder's
 * `bootstrap` finds its variables (DASHSCOPE_API_KEY, HUAWEI_MAAS_API_KEY, ...) when none of that
 * kind exists (credentials sealed, the rest in plain options). Idempotent, and safe when several replicas start
 * together (one transaction under an advisory lock). Audited with no actor.
 */
@Injectable()
export class FirstRunService implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ProvidersService) private readonly providers: ProvidersService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    const seeds = providerKinds().flatMap((definition) => {
      const seed = definition.bootstrap?.(this.config);
      return seed ? [{ kind: definition.kind, seed }] : [];
    });
    if (!(adminEmail && adminPassword) && seeds.length === 0) return;
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(${FIRST_RUN_LOCK})`);
      if (adminEmail && adminPassword) await this.firstAdmin(manager, adminEmail, adminPassword);
      await this.providersFromEnvironment(manager, seeds);
    });
  }

  /** Through UsersService, as every user is made; a weak ADMIN_PASSWORD stops the start with one line (never the value). */
  private async firstAdmin(manager: EntityManager, email: string, password: string): Promise<void> {
    const users = manager.getRepository(User);
    // (an existing admin: ADMIN_EMAIL/ADMIN_PASSWORD are not used, whatever they say)
    if (await users.exists({ where: { role: 'admin' } })) return;
    const normalised = email.trim().toLowerCase();
    if (await users.createQueryBuilder('u').where('lower(u.email) = :email', { email: normalised }).getExists()) {
      this.logger.warn({ email: normalised }, 'ADMIN_EMAIL belongs to an existing user who is not an admin; no admin created (use `npm run cli -- create-admin`)');
      return;
    }
    try {
      await this.users.createAdmin({ email: normalised, name: 'Administrator', password }, 'ADMIN_EMAIL', manager);
    } catch (error) {
      if (error instanceof ValidationError) throw new Error(`ADMIN_PASSWORD: ${error.message.replace(/^password: /, '')} (choose a stronger one, or unset it and use \`npm run cli -- create-admin\`)`);
      throw error;
    }
    this.logger.info({ email: normalised }, 'first admin created from ADMIN_EMAIL');
  }

  private async providersFromEnvironment(manager: EntityManager, seeds: Array<{ kind: string; seed: ProviderSeed }>): Promise<void> {
    for (const { kind, seed } of seeds) {
      if (await this.providers.existsOfKind(kind, manager)) continue;
      const name = await this.freeName(manager, kind);
      await this.providers.create(null, { name, kind, baseUrl: seed.baseUrl, apiKey: seed.apiKey, options: seed.options }, manager);
      this.logger.info(`${kind} provider created from ${seed.fromVariable}`);
    }
  }

  /** The kind's name, or `<kind>-2` when someone already took the name for another kind. */
  private async freeName(manager: EntityManager, base: string): Promise<string> {
    for (let n = 1; ; n++) {
      const name = n === 1 ? base : `${base}-${n}`;
      const [row] = (await manager.query(`SELECT 1 FROM providers WHERE lower(name) = lower($1)`, [name])) as unknown[];
      if (!row) return name;
    }
  }
}
