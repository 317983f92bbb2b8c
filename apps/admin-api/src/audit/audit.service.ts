import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AuditLogEntry, stripSecretFields } from '@app/core';
import { SECRET_FIELD_NAMES } from '@app/providers';
import type { Caller } from '../auth/caller';
import { invalid } from '../common/errors';
import { clampLimit, decodeCursor, encodeCursor, INVALID_CURSOR, Page } from '../common/page';
import { AuditEntryDto, AuditQueryDto } from './dto/audit.dto';

/** A JSON-safe copy without secrets and hashes (dates as ISO strings): the one secret-field list, at any depth. */
export function withoutSecrets(value: object | null | undefined): Record<string, unknown> | null {
  return stripSecretFields(value, SECRET_FIELD_NAMES);
}

/**
 * Who changed what, before and after, when. Any module may inject it (it is global):
 * pass the transaction's `EntityManager` so the entry commits or rolls back with the change.
 * Actions are `<entity>.<verb>`: `department.create`, `user.deactivate`, `api_key.revoke`, `quota.update`.
 */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditLogEntry) private readonly entries: Repository<AuditLogEntry>) {}

  async record(
    caller: Caller | null,
    action: string,
    entityType: string,
    entityId: string | null,
    before: object | null,
    after: object | null,
    manager?: EntityManager,
  ): Promise<void> {
    const repository = manager ? manager.getRepository(AuditLogEntry) : this.entries;
    await repository.save(
      repository.create({
        actorId: caller?.id ?? null,
        actorEmail: caller?.email ?? null,
        action,
        entityType,
        entityId,
        before: withoutSecrets(before),
        after: withoutSecrets(after),
      }),
      { reload: false },
    );
  }

  /** Newest first, keyset-paginated on the id. */
  async list(query: AuditQueryDto): Promise<Page<AuditEntryDto>> {
    const limit = clampLimit(query.limit);
    const after = decodeCursor<{ id: unknown }>(query.cursor);
    if (after && (typeof after.id !== 'string' || !/^\d{1,18}$/.test(after.id))) throw invalid('cursor: not a cursor this API produced', INVALID_CURSOR);
    const qb = this.entries
      .createQueryBuilder('a')
      .orderBy('a.id', 'DESC')
      .limit(limit + 1);
    if (after) qb.andWhere('a.id < :id', { id: after.id });
    if (query.entityType) qb.andWhere('a.entityType = :type', { type: query.entityType });
    if (query.entityId) qb.andWhere('a.entityId = :entityId', { entityId: query.entityId });
    if (query.actorId) qb.andWhere('a.actorId = :actor', { actor: query.actorId });
    if (query.action) qb.andWhere('a.action = :action', { action: query.action });
    const rows = await qb.getMany();
    const items = rows.slice(0, limit);
    return {
      items: items.map((entry) => AuditEntryDto.from(entry)),
      nextCursor: rows.length > limit ? encodeCursor({ id: items[items.length - 1].id }) : null,
    };
  }
}
