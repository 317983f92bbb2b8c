import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { Provider, ProviderAccount, ROOT_LOGGER, SecretBox } from '@app/core';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { conflict, notFound } from '../common/errors';
import type { Page } from '../common/page';
import { assertCredentialsResentOnUrlChange, splitAccountOptions } from './account-options';
import { CreateProviderAccountDto, ProviderAccountDto, UpdateProviderAccountDto } from './dto/provider-account.dto';

/** What an account's `encrypted_credentials` holds. */
type Credentials = { apiKey?: string } & Record<string, string>;

const URL_CHANGED = 'provider URL changed: send this account’s credentials again';

/**
 * Upstream accounts of a provider. Credentials (`apiKey`, secret options) are sealed with
 * SecretBox and never returned. Health (`status`, `coolingUntil`, last error, failed attempts) is
 * written by the gateway; this service only resets it when credentials are edited, and puts every
 * account in `auth` when the provider's URL changes (stored keys never follow a new URL).
 */
@Injectable()
export class ProviderAccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SecretBox) private readonly secretBox: SecretBox,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async list(providerId: string): Promise<Page<ProviderAccountDto>> {
    await this.provider(this.dataSource.manager, providerId);
    const rows = await this.accounts(this.dataSource.manager)
      .where('a.providerId = :providerId', { providerId })
      .orderBy('lower(a.name)', 'ASC')
      .getMany();
    return { items: rows.map((row) => this.view(row)), nextCursor: null };
  }

  async get(providerId: string, accountId: string): Promise<ProviderAccountDto> {
    return this.view(await this.find(this.dataSource.manager, providerId, accountId));
  }

  create(caller: Caller | null, providerId: string, dto: CreateProviderAccountDto, manager?: EntityManager): Promise<ProviderAccountDto> {
    const run = async (tx: EntityManager) => {
      const provider = await this.provider(tx, providerId, true);
      const { secrets, plain } = splitAccountOptions(provider.kind, dto.options);
      await this.assertNameFree(tx, providerId, dto.name);
      const saved = await tx.getRepository(ProviderAccount).save(
        tx.create(ProviderAccount, {
          providerId,
          name: dto.name,
          encryptedCredentials: this.secretBox.sealJson(withoutNulls({ ...secrets, apiKey: dto.apiKey ?? null })),
          options: withoutNulls(plain),
          weight: dto.weight ?? 1,
          enabled: dto.enabled ?? true,
          limitGroup: dto.limitGroup ?? null,
          status: dto.enabled === false ? 'disabled' : 'ok',
        }),
      );
      const view = this.view(saved);
      await this.audit.record(caller, 'provider_account.create', 'provider_account', saved.id, null, view, tx);
      return view;
    };
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  /** The first account of a provider created with `apiKey` (called inside the provider's transaction). */
  createFirst(caller: Caller | null, providerId: string, apiKey: string, manager: EntityManager): Promise<ProviderAccountDto> {
    return this.create(caller, providerId, { name: 'default', apiKey }, manager);
  }

  update(caller: Caller, providerId: string, accountId: string, dto: UpdateProviderAccountDto): Promise<ProviderAccountDto> {
    return this.dataSource.transaction(async (tx) => {
      const provider = await this.provider(tx, providerId);
      const account = await this.find(tx, providerId, accountId, true);
      const before = this.view(account);
      const { secrets, plain } = splitAccountOptions(provider.kind, dto.options);
      assertCredentialsResentOnUrlChange(provider.kind, { options: account.options ?? {}, credentials: this.openOrEmpty(account) }, { plain, secrets, apiKey: dto.apiKey });
      const credentialsEdited = dto.apiKey !== undefined || Object.keys(secrets).length > 0;
      if (dto.name !== undefined && dto.name.toLowerCase() !== account.name.toLowerCase()) await this.assertNameFree(tx, providerId, dto.name);
      if (dto.name !== undefined) account.name = dto.name;
      if (dto.weight !== undefined) account.weight = dto.weight;
      if (dto.limitGroup !== undefined) account.limitGroup = dto.limitGroup;
      if (Object.keys(plain).length > 0) account.options = withoutNulls({ ...(account.options ?? {}), ...plain });
      if (credentialsEdited) {
        const credentials = { ...this.openOrEmpty(account), ...secrets, ...(dto.apiKey !== undefined ? { apiKey: dto.apiKey } : {}) };
        account.encryptedCredentials = this.secretBox.sealJson(withoutNulls(credentials));
        // New credentials: the account gets another chance, whatever it was refused for.
        if (account.status === 'auth' || account.status === 'cooling' || account.status === 'deactivated') account.status = 'ok';
        account.coolingUntil = null;
      }
      if (dto.enabled !== undefined) account.enabled = dto.enabled;
      if (!account.enabled) account.status = 'disabled';
      else if (account.status === 'disabled') account.status = 'ok';
      const after = this.view(await tx.getRepository(ProviderAccount).save(account));
      await this.audit.record(caller, 'provider_account.update', 'provider_account', accountId, before, { ...after, ...(credentialsEdited ? { credentialsChanged: true } : {}) }, tx);
      return after;
    });
  }

  /** Only an account with no usage history goes (reports keep naming it); otherwise disable it. */
  async remove(caller: Caller, providerId: string, accountId: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const account = await this.find(tx, providerId, accountId, true);
      const used = (await tx.query(
        `SELECT 1 FROM usage_rollups WHERE account_id = $1 UNION ALL SELECT 1 FROM usage_events WHERE account_id = $1 LIMIT 1`,
        [accountId],
      )) as unknown[];
      if (used.length > 0) throw conflict(`Account ${accountId} has usage history; disable it (PATCH {"enabled": false}) instead of deleting it`);
      await tx.getRepository(ProviderAccount).delete(accountId);
      await this.audit.record(caller, 'provider_account.delete', 'provider_account', accountId, this.view(account), null, tx);
    });
  }

  /**
   * The account side of a provider update (inside its transaction): a new provider-level `apiKey`
   * goes to the provider's only account; a new URL puts every account whose credentials were not
   * just sent in `auth`, so no stored key is ever sent to the new URL.
   */
  async afterProviderUpdate(manager: EntityManager, providerId: string, change: { urlChanged: boolean; apiKey?: string }): Promise<void> {
    const accounts = await this.accounts(manager).where('a.providerId = :providerId', { providerId }).setLock('pessimistic_write').getMany();
    let rekeyed: string | undefined;
    if (change.apiKey !== undefined && accounts.length === 1) {
      const [account] = accounts;
      const credentials = { ...this.openOrEmpty(account), apiKey: change.apiKey };
      await manager.update(ProviderAccount, account.id, {
        encryptedCredentials: this.secretBox.sealJson(credentials),
        ...(account.enabled ? { status: 'ok' as const, coolingUntil: null } : {}),
      });
      rekeyed = account.id;
    }
    if (!change.urlChanged) return;
    const stale = accounts.filter((account) => account.id !== rekeyed).map((account) => account.id);
    if (stale.length === 0) return;
    await manager
      .createQueryBuilder()
      .update(ProviderAccount)
      .set({ status: 'auth', coolingUntil: null, lastError: URL_CHANGED, lastErrorAt: new Date() })
      .whereInIds(stale)
      .execute();
  }

  private accounts(manager: EntityManager) {
    return manager.getRepository(ProviderAccount).createQueryBuilder('a').addSelect('a.encryptedCredentials');
  }

  private async find(manager: EntityManager, providerId: string, accountId: string, lock = false): Promise<ProviderAccount> {
    const qb = this.accounts(manager).where('a.id = :accountId AND a.providerId = :providerId', { accountId, providerId });
    if (lock) qb.setLock('pessimistic_write');
    const account = await qb.getOne();
    if (!account) throw notFound('Account', accountId);
    return account;
  }

  private async provider(manager: EntityManager, providerId: string, lock = false): Promise<Provider> {
    const qb = manager.getRepository(Provider).createQueryBuilder('p').where('p.id = :providerId', { providerId });
    if (lock) qb.setLock('pessimistic_write');
    const provider = await qb.getOne();
    if (!provider) throw notFound('Provider', providerId);
    return provider;
  }

  private async assertNameFree(manager: EntityManager, providerId: string, name: string): Promise<void> {
    const taken = await manager
      .getRepository(ProviderAccount)
      .createQueryBuilder('a')
      .where('a.providerId = :providerId AND lower(a.name) = lower(:name)', { providerId, name })
      .getExists();
    if (taken) throw conflict(`name: this provider already has an account named ${name}`);
  }

  private openOrEmpty(account: ProviderAccount): Credentials {
    try {
      return this.secretBox.openJson<Credentials>(account.encryptedCredentials);
    } catch (error) {
      // e.g. sealed under another SECRET_KEY: show the account without credentials, say so in the log
      this.logger.warn({ accountId: account.id, err: (error as Error).message }, 'account credentials cannot be opened with the current SECRET_KEY');
      return {};
    }
  }

  /** The response view: which credentials are set, never a secret value; health as the gateway left it. */
  private view(account: ProviderAccount): ProviderAccountDto {
    const credentials = this.openOrEmpty(account);
    const cooling = account.status === 'cooling' && account.coolingUntil !== null && account.coolingUntil.getTime() > Date.now();
    return {
      id: account.id,
      providerId: account.providerId,
      name: account.name,
      hasApiKey: typeof credentials.apiKey === 'string' && credentials.apiKey.length > 0,
      secretOptions: Object.keys(credentials).filter((name) => name !== 'apiKey').sort(),
      options: account.options ?? {},
      weight: account.weight,
      enabled: account.enabled,
      limitGroup: account.limitGroup,
      status: !account.enabled ? 'disabled' : account.status === 'cooling' && !cooling ? 'ok' : account.status,
      coolingUntil: cooling ? account.coolingUntil!.toISOString() : null,
      lastError: account.lastError,
      lastErrorAt: account.lastErrorAt?.toISOString() ?? null,
      failedAttempts: Number(account.failedAttempts ?? 0),
      createdAt: account.createdAt.toISOString(),
      updatedAt: account.updatedAt.toISOString(),
    };
  }
}

function withoutNulls<T>(values: Record<string, T | null | undefined>): Record<string, T> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, T] => entry[1] !== null && entry[1] !== undefined));
}
