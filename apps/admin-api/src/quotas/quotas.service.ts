import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Department, User } from '@app/core';
import { Quota, QuotaScope, QuotaStatusService } from '@app/usage';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { QuotaSubject, ScopePolicy } from '../auth/scope.policy';
import { invalid, notFound } from '../common/errors';
import { Page } from '../common/page';
import type { PutQuotaDto, QuotaQueryDto, QuotaStatusQueryDto } from './dto/quota.dto';
import type { QuotaDto, QuotaStatusDto, QuotaStatusListDto } from './dto/quota-response.dto';
import { toQuotaDto } from './quota.mapper';

/**
 * Quota definitions and their status (read-only, QuotaStatusService). Enforcement is the gateway's (QuotaLedger); a change here
 * reaches every gateway replica within a second through the change feed.
 */
@Injectable()
export class QuotasService {
  constructor(
    @InjectRepository(Quota) private readonly quotas: Repository<Quota>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Department) private readonly departments: Repository<Department>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly quotaStatus: QuotaStatusService,
    private readonly scope: ScopePolicy,
    private readonly audit: AuditService,
  ) {}

  async list(caller: Caller, query: QuotaQueryDto): Promise<Page<QuotaDto>> {
    const department = this.scope.readableDepartment(caller);
    const qb = this.quotas.createQueryBuilder('q').orderBy('q.scope').addOrderBy('q.subjectId').addOrderBy('q.period');
    if (query.scope) qb.andWhere('q.scope = :scope', { scope: query.scope });
    if (query.subjectId) qb.andWhere('q.subjectId = :subject', { subject: query.subjectId });
    if (department) {
      qb.andWhere(
        `((q.scope = 'department' AND q.subjectId = :department) OR (q.scope = 'user' AND q.subjectId IN (SELECT id FROM users WHERE department_id = :department)))`,
        { department },
      );
    }
    return { items: (await qb.getMany()).map(toQuotaDto), nextCursor: null };
  }

  async put(caller: Caller, dto: PutQuotaDto): Promise<QuotaDto> {
    if (dto.maxTokens == null && dto.maxRequests == null && dto.maxCost == null) throw invalid('Give at least one of maxTokens, maxRequests, maxCost');
    const subject = await this.subject(dto.scope, dto.subjectId);
    this.scope.assertCanWriteQuota(caller, subject);
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(Quota);
      const existing = await repository.findOne({ where: { scope: dto.scope, subjectId: dto.subjectId, period: dto.period } });
      const before = existing ? toQuotaDto(existing) : null;
      const quota = existing ?? repository.create({ scope: dto.scope, subjectId: dto.subjectId, period: dto.period });
      quota.maxTokens = dto.maxTokens == null ? null : String(dto.maxTokens);
      quota.maxRequests = dto.maxRequests == null ? null : String(dto.maxRequests);
      quota.maxCost = dto.maxCost ?? null;
      const saved = await repository.save(quota);
      const fresh = await repository.findOneOrFail({ where: { id: saved.id } });
      await this.audit.record(caller, existing ? 'quota.update' : 'quota.create', 'quota', saved.id, before, toQuotaDto(fresh), manager);
      return toQuotaDto(fresh);
    });
  }

  async remove(caller: Caller, id: string): Promise<void> {
    const quota = await this.quotas.findOne({ where: { id } });
    if (!quota) throw notFound('Quota', id);
    this.scope.assertCanWriteQuota(caller, await this.subject(quota.scope, quota.subjectId));
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Quota).delete(id);
      await this.audit.record(caller, 'quota.delete', 'quota', id, toQuotaDto(quota), null, manager);
    });
  }

  async status(caller: Caller, query: QuotaStatusQueryDto): Promise<QuotaStatusListDto> {
    const subject = await this.subject(query.scope, query.subjectId);
    this.scope.assertCanReadQuota(caller, { departmentId: subject.departmentId, userId: query.scope === 'user' ? query.subjectId : undefined });
    return { items: await this.statusOf(query.scope, query.subjectId) };
  }

  /** The caller's own quotas and their department's: what binds their calls. */
  async mine(caller: Caller): Promise<QuotaStatusListDto> {
    const own = await this.statusOf('user', caller.id);
    const department = caller.departmentId ? await this.statusOf('department', caller.departmentId) : [];
    return { items: [...own, ...department] };
  }

  /** The one read of the quota read model (used, remaining, reset), for any subject. */
  private statusOf(scope: QuotaScope, subjectId: string): Promise<QuotaStatusDto[]> {
    return this.quotaStatus.status(scope, subjectId);
  }

  private async subject(scope: QuotaScope, subjectId: string): Promise<QuotaSubject> {
    if (scope === 'department') {
      if (!(await this.departments.exists({ where: { id: subjectId } }))) throw notFound('Department', subjectId);
      return { scope, departmentId: subjectId };
    }
    const user = await this.users.findOne({ where: { id: subjectId } });
    if (!user) throw notFound('User', subjectId);
    return { scope, userId: user.id, role: user.role, departmentId: user.departmentId };
  }
}
