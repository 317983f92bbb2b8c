import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Caller } from '../auth/caller';
import { ScopePolicy } from '../auth/scope.policy';
import { clampLimit, decodeTimeCursor, encodeCursor, Page } from '../common/page';
import type { UsageEventsQueryDto } from './dto/usage-query.dto';
import type { UsageEventDto } from './dto/usage-response.dto';
import { toUsageEventDto, UsageEventRow } from './usage-event.mapper';

/** Raw events, newest first, keyset-paginated on (created_at, id) — the one place that reads them. */
@Injectable()
export class UsageEventsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: ScopePolicy,
  ) {}

  async list(caller: Caller, query: UsageEventsQueryDto): Promise<Page<UsageEventDto>> {
    const departmentId = this.scope.readableDepartment(caller, query.departmentId);
    return this.page(query, { userId: query.userId, departmentId: departmentId ?? undefined });
  }

  /** The caller's own events (every role). */
  mine(caller: Caller, query: UsageEventsQueryDto): Promise<Page<UsageEventDto>> {
    return this.page(query, { userId: caller.id, departmentId: undefined });
  }

  /** `subject`: whose events, as the caller's scope allows (it overrides the query's own filters). */
  private async page(query: UsageEventsQueryDto, subject: { userId: string | undefined; departmentId: string | undefined }): Promise<Page<UsageEventDto>> {
    const limit = clampLimit(query.limit);
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.from) add('created_at >= ?', new Date(query.from));
    if (query.to) add('created_at < ?', new Date(query.to));
    if (subject.userId) add('user_id = ?', subject.userId);
    if (subject.departmentId) add('department_id = ?', subject.departmentId);
    if (query.model) add('model = ?', query.model);
    const after = decodeTimeCursor(query.cursor);
    if (after) {
      params.push(after.t, after.id);
      where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(limit + 1);
    const rows: UsageEventRow[] = await this.dataSource.query(
      `SELECT id, created_at, user_id, department_id, api_key_id, provider_id, model, endpoint, stream, status, latency_ms, ttft_ms,
              prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, total_tokens, cost::text AS cost, currency, estimated, error_code, account_id
       FROM usage_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit).map(toUsageEventDto);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit ? encodeCursor({ t: last.createdAt, id: last.id }) : null };
  }
}
