import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { ApiKey, mintApiKey, User } from '@app/core';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { ScopePolicy } from '../auth/scope.policy';
import { invalid, notFound } from '../common/errors';
import { keysetPage, Page } from '../common/page';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto, ListApiKeysQueryDto } from './dto/api-key.dto';

/** Gateway API keys. The gateway's key cache follows these tables through the change feed. */
@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: ScopePolicy,
    private readonly audit: AuditService,
  ) {}

  /** Newest first, revoked and expired ones included (with their dates). */
  async list(caller: Caller, userId: string, query: ListApiKeysQueryDto): Promise<Page<ApiKeyDto>> {
    this.scope.assertCanManageKeysOf(caller, await this.owner(userId));
    const qb = this.keys.createQueryBuilder('k').where('k.userId = :userId', { userId });
    return keysetPage(qb, query, { sort: 'k.createdAt', id: 'k.id', direction: 'DESC' }, (key) => ApiKeyDto.from(key));
  }

  /** The key is returned once; only its SHA-256 is stored. */
  async create(caller: Caller, userId: string, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const owner = await this.owner(userId);
    this.scope.assertCanManageKeysOf(caller, owner);
    if (!owner.active) throw invalid(`userId: user ${userId} is deactivated; reactivate them first`);
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw invalid('expiresAt: must be in the future');
    const minted = mintApiKey();
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager
        .getRepository(ApiKey)
        .save(manager.create(ApiKey, { userId, name: dto.name ?? null, prefix: minted.prefix, keyHash: minted.hash, expiresAt, revokedAt: null }));
      const view = ApiKeyDto.from(saved);
      await this.audit.record(caller, 'api_key.create', 'api_key', saved.id, null, view, manager);
      return { ...view, key: minted.key };
    });
  }

  /** Revoked at once (the gateway hears of it within a second); revoking twice changes nothing. */
  async revoke(caller: Caller, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(ApiKey);
      const key = await repository.createQueryBuilder('k').setLock('pessimistic_write').where('k.id = :id', { id }).getOne();
      if (!key) throw notFound('API key', id);
      this.scope.assertCanManageKeysOf(caller, await this.owner(key.userId));
      if (key.revokedAt) return;
      const before = ApiKeyDto.from(key);
      key.revokedAt = new Date();
      await repository.save(key);
      await this.audit.record(caller, 'api_key.revoke', 'api_key', id, before, ApiKeyDto.from(key), manager);
    });
  }

  private async owner(userId: string): Promise<User> {
    const user = await this.users.findOne({ where: { id: userId } });
    if (!user) throw notFound('User', userId);
    return user;
  }
}
