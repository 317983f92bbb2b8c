import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { ApiKey, mintApiKey, User } from '@app/core';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { ScopePolicy } from '../auth/scope.policy';
import { invalid, notFound } from '../common/errors';
import { Page } from '../common/page';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ScopePolicy) private readonly scope: ScopePolicy,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(caller: Caller, userId: string): Promise<Page<ApiKeyDto>> {
    const owner = await this.owner(userId);
    this.scope.assertCanManageKeysOf(caller, owner);
    const rows = await this.keys.find({ where: { userId }, order: { createdAt: 'DESC' } });
    return { items: rows.map(ApiKeyDto.from), nextCursor: null };
  }

  /** The key is returned once; only its SHA-256 is stored. */
  async create(caller: Caller, userId: string, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const owner = await this.owner(userId);
    this.scope.assertCanManageKeysOf(caller, owner);
    if (!owner.active) throw invalid('The user is deactivated');
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw invalid('expiresAt must be in the future');
    const minted = mintApiKey();
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(ApiKey).save(
        manager.create(ApiKey, { userId, name: dto.name ?? null, prefix: minted.prefix, keyHash: minted.hash, expiresAt, revokedAt: null }),
      );
      const view = ApiKeyDto.from(saved);
      await this.audit.record(caller, 'api_key.create', 'api_key', saved.id, null, view, manager);
      return { ...view, key: minted.key };
    });
  }

  async revoke(caller: Caller, id: string): Promise<void> {
    const key = await this.keys.findOne({ where: { id } });
    if (!key) throw notFound('API key', id);
    this.scope.assertCanManageKeysOf(caller, await this.owner(key.userId));
    if (key.revokedAt) return;
    await this.dataSource.transaction(async (manager) => {
      const before = ApiKeyDto.from(key);
      key.revokedAt = new Date();
      await manager.getRepository(ApiKey).save(key);
      await this.audit.record(caller, 'api_key.revoke', 'api_key', id, before, ApiKeyDto.from(key), manager);
    });
  }

  private async owner(userId: string): Promise<User> {
    const user = await this.users.findOne({ where: { id: userId } });
    if (!user) throw notFound('User', userId);
    return user;
  }
}
