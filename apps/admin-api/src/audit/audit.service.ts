import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AuditLogEntry } from '@app/core';
import type { Caller } from '../auth/caller';
import { clampLimit, decodeCursor, encodeCursor, Page } from '../common/page';

/** Fields that never reach the audit log, wherever they appear. */
const SECRET_FIELDS = new Set(['passwordHash', 'keyHash', 'encryptedCredentials', 'password', 'apiKey', 'key', 'accessKeySecret', 'secretKey']);

export function withoutSecrets(value: object | null | undefined): Record<string, unknown> | null {
  if (!value) return null;
  return Object.fromEntries(Object.entries(value).filter(([field]) => !SECRET_FIELDS.has(field)));
}

/** Who changed what, before and after, when. Written in the same transaction as the change when one is given. */
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
    );
  }

  async list(query: { limit?: number; cursor?: string; entityType?: string; actorId?: string }): Promise<Page<AuditLogEntry>> {
    const limit = clampLimit(query.limit);
    const after = decodeCursor<{ id: string }>(query.cursor);
    const qb = this.entries.createQueryBuilder('a').orderBy('a.id', 'DESC').take(limit + 1);
    if (after) qb.andWhere('a.id < :id', { id: after.id });
    if (query.entityType) qb.andWhere('a.entityType = :type', { type: query.entityType });
    if (query.actorId) qb.andWhere('a.actorId = :actor', { actor: query.actorId });
    const rows = await qb.getMany();
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? encodeCursor({ id: items[items.length - 1].id }) : null };
  }
}
