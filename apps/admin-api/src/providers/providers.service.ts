import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Provider, ProviderKind, ROOT_LOGGER, SecretBox } from '@app/core';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { conflict, invalid, notFound } from '../common/errors';
import { ProviderAccountsService } from '../provider-accounts';
import { keysetPage, Page } from '../common/page';
import { CreateProviderDto, ListProvidersQueryDto, ProviderDto, UpdateProviderDto } from './dto/provider.dto';
import { providerKind, urlOptionNames } from '@app/providers';
import { assertOptionsFitKind, assertOutboundUrl, maskCredential, maskedOptionNames, splitProviderOptions } from './provider-options';

/** What `encrypted_credentials` holds: the API key and the credential options. */
type Credentials = { apiKey: string } & Record<string, string>;

/**
 * Providers and their credentials. `apiKey` and credential options are sealed with SecretBox
 * (AES-256-GCM) into `encrypted_credentials` and never returned; plain options are stored as they are.
 */
@Injectable()
export class ProvidersService {
  constructor(
    @InjectRepository(Provider) private readonly providers: Repository<Provider>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SecretBox) private readonly secretBox: SecretBox,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(ProviderAccountsService) private readonly accounts: ProviderAccountsService,
  ) {}

  list(query: ListProvidersQueryDto): Promise<Page<ProviderDto>> {
    const qb = this.providers.createQueryBuilder('p').addSelect('p.encryptedCredentials');
    return keysetPage(qb, query, { sort: 'lower(p.name)', id: 'p.id', direction: 'ASC' }, (row) => this.view(row));
  }

  async get(id: string): Promise<ProviderDto> {
    return this.view(await this.find(id));
  }

  /** `caller` null: created by start-up bootstrapping from the environment. */
  create(caller: Caller | null, dto: CreateProviderDto, manager?: EntityManager): Promise<ProviderDto> {
    const { secrets, plain } = splitProviderOptions(dto.kind, dto.options);
    assertOutboundUrl('baseUrl', dto.baseUrl);
    if (providerKind(dto.kind).requiresApiKey && !dto.apiKey) throw invalid(`apiKey: required for a provider of kind ${dto.kind}`);
    const run = async (tx: EntityManager) => {
      await this.assertNameFree(tx, dto.name);
      const saved = await tx.getRepository(Provider).save(
        tx.create(Provider, {
          name: dto.name,
          kind: dto.kind,
          baseUrl: dto.baseUrl.replace(/\/+$/, ''),
          encryptedCredentials: this.secretBox.sealJson(withoutNulls({ ...secrets, apiKey: dto.apiKey ?? null })),
          options: withoutNulls(plain),
          enabled: dto.enabled ?? true,
        }),
      );
      const view = this.view(saved);
      await this.audit.record(caller, 'provider.create', 'provider', saved.id, null, view, tx);
      if (dto.apiKey) await this.accounts.createFirst(caller, saved.id, dto.apiKey, tx);
      return view;
    };
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  update(caller: Caller, id: string, dto: UpdateProviderDto): Promise<ProviderDto> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(Provider);
      const provider = await this.find(id, repository, true);
      const before = this.view(provider);
      const kind = dto.kind ?? provider.kind;
      const { secrets, plain } = splitProviderOptions(kind, dto.options);
      const credentials = { ...this.open(provider), ...secrets, ...(dto.apiKey ? { apiKey: dto.apiKey } : {}) };
      const options = withoutNulls({ ...(provider.options ?? {}), ...plain });
      if (dto.baseUrl !== undefined) assertOutboundUrl('baseUrl', dto.baseUrl);
      assertCredentialsResentOnUrlChange(provider, kind, dto, options, this.open(provider), secrets);
      assertOptionsFitKind(kind, [...Object.keys(options), ...Object.keys(withoutNulls(credentials)).filter((name) => name !== 'apiKey')]);
      if (dto.name !== undefined && dto.name.toLowerCase() !== provider.name.toLowerCase()) await this.assertNameFree(manager, dto.name);
      if (dto.name !== undefined) provider.name = dto.name;
      if (dto.baseUrl !== undefined) provider.baseUrl = dto.baseUrl.replace(/\/+$/, '');
      if (dto.enabled !== undefined) provider.enabled = dto.enabled;
      provider.kind = kind;
      provider.options = options;
      provider.encryptedCredentials = this.secretBox.sealJson(withoutNulls(credentials));
      const urlChanged = provider.baseUrl !== before.baseUrl;
      const after = this.view(await repository.save(provider));
      await this.accounts.afterProviderUpdate(manager, id, { urlChanged, apiKey: dto.apiKey });
      await this.audit.record(caller, 'provider.update', 'provider', id, before, { ...after, ...(dto.apiKey ? { apiKeyChanged: true } : {}) }, manager);
      return after;
    });
  }

  /**
   * Only a provider that serves no model and has no usage history goes (reports keep naming the
   * provider of past calls); otherwise disable it with `enabled: false`.
   */
  async remove(caller: Caller, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const provider = await this.find(id, manager.getRepository(Provider), true);
      const [{ n }] = (await manager.query(`SELECT count(*)::int AS n FROM models WHERE provider_id = $1`, [id])) as Array<{ n: number }>;
      if (n > 0) throw conflict(`Provider ${id} still serves ${n} model(s); delete or move them first, or disable the provider`);
      const used = (await manager.query(`SELECT 1 FROM usage_events WHERE provider_id = $1 LIMIT 1`, [id])) as unknown[];
      if (used.length > 0) throw conflict(`Provider ${id} has usage history; disable it (PATCH {"enabled": false}) instead of deleting it`);
      await manager.getRepository(Provider).delete(id);
      await this.audit.record(caller, 'provider.delete', 'provider', id, this.view(provider), null, manager);
    });
  }

  /** Whether a provider of this kind exists (start-up bootstrapping from the environment). */
  existsOfKind(kind: ProviderKind, manager?: EntityManager): Promise<boolean> {
    return (manager ? manager.getRepository(Provider) : this.providers).exists({ where: { kind } });
  }

  private async find(id: string, repository = this.providers, lock = false): Promise<Provider> {
    const qb = repository.createQueryBuilder('p').addSelect('p.encryptedCredentials').where('p.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    const provider = await qb.getOne();
    if (!provider) throw notFound('Provider', id);
    return provider;
  }

  private async assertNameFree(manager: EntityManager, name: string): Promise<void> {
    const taken = await manager.getRepository(Provider).createQueryBuilder('p').where('lower(p.name) = lower(:name)', { name }).getExists();
    if (taken) throw conflict(`name: a provider named ${name} already exists`);
  }

  private open(provider: Provider): Credentials {
    return this.secretBox.openJson<Credentials>(provider.encryptedCredentials);
  }

  /** The response view: which credentials are set, access key ids masked, no secret value. */
  private view(provider: Provider): ProviderDto {
    let credentials: Partial<Credentials> = {};
    try {
      credentials = this.open(provider);
    } catch (error) {
      // e.g. sealed under another SECRET_KEY: say so in the log, show the provider without credentials
      this.logger.warn({ providerId: provider.id, err: (error as Error).message }, 'provider credentials cannot be opened with the current SECRET_KEY');
    }
    const masked = new Set(maskedOptionNames(provider.kind));
    const set = Object.keys(credentials).filter((name) => name !== 'apiKey' && typeof credentials[name] === 'string');
    return ProviderDto.from(provider, {
      hasApiKey: typeof credentials.apiKey === 'string' && credentials.apiKey.length > 0,
      secretOptions: set.sort(),
      maskedOptions: Object.fromEntries(set.filter((name) => masked.has(name)).map((name) => [name, maskCredential(String(credentials[name]))])),
    });
  }
}

/**
 * Stored credentials never follow a new URL: changing `baseUrl` or any endpoint option requires
 * `apiKey` and every stored secret option in the same request (400 naming the first missing one).
 */
function assertCredentialsResentOnUrlChange(
  provider: Provider,
  kind: string,
  dto: UpdateProviderDto,
  options: Record<string, unknown>,
  stored: Record<string, unknown>,
  sentSecrets: Record<string, string | null>,
): void {
  const urlFields = urlOptionNames(kind);
  const changed =
    dto.baseUrl !== undefined && dto.baseUrl.replace(/\/+$/, '') !== provider.baseUrl
      ? 'baseUrl'
      : urlFields.concat(urlOptionNames(provider.kind)).find((name) => (options[name] ?? null) !== (provider.options?.[name] ?? null));
  if (!changed) return;
  const label = changed === 'baseUrl' ? 'baseUrl' : `options.${changed}`;
  if (typeof stored.apiKey === 'string' && !dto.apiKey) throw invalid(`apiKey: changing ${label} requires sending apiKey again (stored credentials never follow a new URL)`);
  const missing = Object.keys(stored).find((name) => name !== 'apiKey' && typeof stored[name] === 'string' && sentSecrets[name] === undefined);
  if (missing) throw invalid(`options.${missing}: changing ${label} requires sending options.${missing} again (or null to drop it)`);
}

function withoutNulls<T>(values: Record<string, T | null>): Record<string, T> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, T] => entry[1] !== null && entry[1] !== undefined));
}
