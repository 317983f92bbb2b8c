import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Provider, ProviderKind, SecretBox } from '@app/core';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { conflict, notFound } from '../common/errors';
import { Page } from '../common/page';
import { CreateProviderDto, ProviderDto, SECRET_OPTIONS, UpdateProviderDto } from './dto/provider.dto';

type Credentials = { apiKey: string } & Record<string, unknown>;

/** Splits submitted options into secrets (sealed with the API key) and plain options. */
function splitOptions(options: Record<string, unknown> | undefined): { secrets: Record<string, unknown>; plain: Record<string, unknown> } {
  const secrets: Record<string, unknown> = {};
  const plain: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options ?? {})) {
    if ((SECRET_OPTIONS as readonly string[]).includes(name)) secrets[name] = value;
    else plain[name] = value;
  }
  return { secrets, plain };
}

@Injectable()
export class ProvidersService {
  constructor(
    @InjectRepository(Provider) private readonly providers: Repository<Provider>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SecretBox) private readonly secretBox: SecretBox,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(): Promise<Page<ProviderDto>> {
    const rows = await this.providers.createQueryBuilder('p').addSelect('p.encryptedCredentials').orderBy('p.name').getMany();
    return { items: rows.map((row) => this.view(row)), nextCursor: null };
  }

  async get(id: string): Promise<ProviderDto> {
    return this.view(await this.find(id));
  }

  async create(caller: Caller | null, dto: CreateProviderDto): Promise<ProviderDto> {
    const { secrets, plain } = splitOptions(dto.options);
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(Provider).save(
        manager.create(Provider, {
          name: dto.name,
          kind: dto.kind,
          baseUrl: dto.baseUrl.replace(/\/+$/, ''),
          encryptedCredentials: this.secretBox.sealJson({ apiKey: dto.apiKey, ...secrets }),
          options: plain,
          enabled: dto.enabled ?? true,
        }),
      );
      const view = this.view(saved);
      await this.audit.record(caller, 'provider.create', 'provider', saved.id, null, view, manager);
      return view;
    });
  }

  async update(caller: Caller, id: string, dto: UpdateProviderDto): Promise<ProviderDto> {
    return this.dataSource.transaction(async (manager) => {
      const provider = await this.find(id, manager.getRepository(Provider));
      const before = this.view(provider);
      const credentials = this.secretBox.openJson<Credentials>(provider.encryptedCredentials);
      const { secrets, plain } = splitOptions(dto.options);
      if (dto.name !== undefined) provider.name = dto.name;
      if (dto.baseUrl !== undefined) provider.baseUrl = dto.baseUrl.replace(/\/+$/, '');
      if (dto.enabled !== undefined) provider.enabled = dto.enabled;
      if (dto.options !== undefined) provider.options = { ...provider.options, ...plain };
      provider.encryptedCredentials = this.secretBox.sealJson({ ...credentials, ...secrets, ...(dto.apiKey ? { apiKey: dto.apiKey } : {}) });
      const saved = await manager.getRepository(Provider).save(provider);
      const after = this.view(saved);
      await this.audit.record(caller, 'provider.update', 'provider', id, before, after, manager);
      return after;
    });
  }

  async remove(caller: Caller, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const provider = await this.find(id, manager.getRepository(Provider));
      const [{ n }] = await manager.query(`SELECT count(*)::int AS n FROM models WHERE provider_id = $1`, [id]);
      if (n > 0) throw conflict(`Provider ${id} still serves ${n} models; delete them or disable the provider`);
      await manager.getRepository(Provider).delete(id);
      await this.audit.record(caller, 'provider.delete', 'provider', id, this.view(provider), null, manager);
    });
  }

  /** Whether a provider of this kind exists (start-up bootstrapping from the environment). */
  existsOfKind(kind: ProviderKind): Promise<boolean> {
    return this.providers.exists({ where: { kind } });
  }

  private async find(id: string, repository = this.providers): Promise<Provider> {
    const provider = await repository.createQueryBuilder('p').addSelect('p.encryptedCredentials').where('p.id = :id', { id }).getOne();
    if (!provider) throw notFound('Provider', id);
    return provider;
  }

  private view(provider: Provider): ProviderDto {
    let secretOptions: string[] = [];
    try {
      const credentials = this.secretBox.openJson<Credentials>(provider.encryptedCredentials);
      secretOptions = Object.keys(credentials).filter((name) => name !== 'apiKey' && credentials[name] !== undefined && credentials[name] !== null);
    } catch {
      secretOptions = [];
    }
    return ProviderDto.from(provider, secretOptions);
  }
}
