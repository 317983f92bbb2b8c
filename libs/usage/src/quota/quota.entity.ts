import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const QUOTA_SCOPES = ['user', 'department'] as const;
export type QuotaScope = (typeof QUOTA_SCOPES)[number];
export const QUOTA_PERIODS = ['minute', 'day', 'week', 'month'] as const;
export type QuotaPeriod = (typeof QUOTA_PERIODS)[number];

@Entity({ name: 'quotas' })
export class Quota {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) scope: QuotaScope;
  @Column({ name: 'subject_id', type: 'uuid' }) subjectId: string;
  @Column({ type: 'text' }) period: QuotaPeriod;
  @Column({ name: 'max_tokens', type: 'bigint', nullable: true }) maxTokens: string | null;
  @Column({ name: 'max_requests', type: 'bigint', nullable: true }) maxRequests: string | null;
  @Column({ name: 'max_cost', type: 'numeric', nullable: true }) maxCost: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
