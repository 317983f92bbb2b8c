import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { UsageRecord } from '@app/usage';
import type { Caller } from '../auth/caller';
import { ScopePolicy } from '../auth/scope.policy';
import { clampLimit, decodeCursor, encodeCursor, Page } from '../common/page';
import type { UsageEventsQueryDto } from './dto/usage-query.dto';

/** A usage event as the API shows it (CONTRACT "usage event"): the metered record without its internals. */
export type UsageEventView = Omit<UsageRecord, 'quotaCharges' | 'replicaId' | 'inputPrice' | 'outputPrice' | 'cachedInputPrice' | 'cacheWriteInputPrice' | 'endpoint' | 'cacheWriteTokens'> & {
  endpoint: string;
  cacheWriteTokens: number;
};

/** Raw events, newest first, keyset-paginated on (created_at, id) — the one place that reads them. */
@Injectable()
export class UsageEventsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ScopePolicy) private readonly scope: ScopePolicy,
  ) {}

  async list(caller: Caller, query: UsageEventsQueryDto): Promise<Page<UsageEventView>> {
    const departmentId = this.scope.readableDepartment(caller, query.departmentId);
    return this.page({ ...query, departmentId: departmentId ?? undefined });
  }

  /** The caller's own events (every role). */
  mine(caller: Caller, query: UsageEventsQueryDto): Promise<Page<UsageEventView>> {
    return this.page({ ...query, userId: caller.id, departmentId: undefined });
  }

  private async page(query: UsageEventsQueryDto): Promise<Page<UsageEventView>> {
    const limit = clampLimit(query.limit);
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.from) add('created_at >= ?', new Date(query.from));
    if (query.to) add('created_at < ?', new Date(query.to));
    if (query.userId) add('user_id = ?', query.userId);
    if (query.departmentId) add('department_id = ?', query.departmentId);
    if (query.model) add('model = ?', query.model);
    const after = decodeCursor<{ t: string; id: string }>(query.cursor);
    if (after) {
      params.push(new Date(after.t), after.id);
      where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(limit + 1);
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT id, created_at, user_id, department_id, api_key_id, provider_id, model, endpoint, stream, status, latency_ms, ttft_ms,
              prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, total_tokens, cost::text AS cost, currency, estimated, error_code
       FROM usage_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit).map(toView);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit ? encodeCursor({ t: last.createdAt, id: last.id }) : null };
  }
}

function toView(row: Record<string, unknown>): UsageEventView {
  return {
    id: row.id as string,
    createdAt: (row.created_at as Date).toISOString(),
    userId: row.user_id as string,
    departmentId: row.department_id as string | null,
    apiKeyId: row.api_key_id as string,
    providerId: row.provider_id as string | null,
    model: row.model as string | null,
    endpoint: row.endpoint as string,
    stream: row.stream as boolean,
    status: row.status as number,
    latencyMs: row.latency_ms as number,
    ttftMs: row.ttft_ms as number | null,
    promptTokens: row.prompt_tokens as number,
    completionTokens: row.completion_tokens as number,
    cachedTokens: row.cached_tokens as number,
    cacheWriteTokens: row.cache_write_tokens as number,
    reasoningTokens: row.reasoning_tokens as number,
    totalTokens: row.total_tokens as number,
    cost: row.cost as string,
    currency: row.currency as string | null,
    estimated: row.estimated as boolean,
    errorCode: row.error_code as string | null,
  };
}
