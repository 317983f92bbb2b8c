import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One metered gateway call. Written in batches by the metering writer (raw SQL, idempotent on
 * `(id, created_at)`); this entity is for reading. The table is partitioned by month.
 */
@Entity({ name: 'usage_events' })
export class UsageEvent {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @PrimaryColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ name: 'department_id', type: 'uuid', nullable: true }) departmentId: string | null;
  @Column({ name: 'api_key_id', type: 'uuid' }) apiKeyId: string;
  @Column({ name: 'provider_id', type: 'uuid', nullable: true }) providerId: string | null;
  /** The upstream account that answered; null for calls that never reached one and for events older than accounts. */
  @Column({ name: 'account_id', type: 'uuid', nullable: true }) accountId: string | null;
  @Column({ type: 'text', nullable: true }) model: string | null;
  @Column({ type: 'text' }) endpoint: string;
  @Column({ type: 'boolean' }) stream: boolean;
  @Column({ type: 'int' }) status: number;
  @Column({ name: 'latency_ms', type: 'int' }) latencyMs: number;
  @Column({ name: 'ttft_ms', type: 'int', nullable: true }) ttftMs: number | null;
  @Column({ name: 'prompt_tokens', type: 'int' }) promptTokens: number;
  @Column({ name: 'completion_tokens', type: 'int' }) completionTokens: number;
  @Column({ name: 'cached_tokens', type: 'int' }) cachedTokens: number;
  @Column({ name: 'cache_write_tokens', type: 'int', default: 0 }) cacheWriteTokens: number;
  @Column({ name: 'reasoning_tokens', type: 'int' }) reasoningTokens: number;
  @Column({ name: 'total_tokens', type: 'int' }) totalTokens: number;
  @Column({ type: 'numeric' }) cost: string;
  @Column({ type: 'text', nullable: true }) currency: string | null;
  /** The prices applied, per 1M tokens, so history never depends on today's price list. */
  @Column({ name: 'input_price', type: 'numeric', nullable: true }) inputPrice: string | null;
  @Column({ name: 'output_price', type: 'numeric', nullable: true }) outputPrice: string | null;
  @Column({ name: 'cached_input_price', type: 'numeric', nullable: true }) cachedInputPrice: string | null;
  @Column({ name: 'cache_write_input_price', type: 'numeric', nullable: true }) cacheWriteInputPrice: string | null;
  @Column({ type: 'boolean' }) estimated: boolean;
  @Column({ name: 'error_code', type: 'text', nullable: true }) errorCode: string | null;
}
