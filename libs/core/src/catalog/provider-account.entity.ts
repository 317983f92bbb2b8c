import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * Health of an upstream account. `ok`: in rotation; `cooling`: rate-limited or failing until
 * `coolingUntil`; `auth`: its credentials were refused (or the provider URL changed) and it stays
 * out until they are edited; `disabled`: switched off (`enabled: false`); `deactivated`: the
 * provider closed it (e.g. a ChatGPT workspace).
 */
export const ACCOUNT_STATUSES = ['ok', 'cooling', 'auth', 'disabled', 'deactivated'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/**
 * One set of credentials behind a provider (an API key, a seat). Calls to the provider's models
 * are spread over its enabled, healthy accounts by `weight`.
 */
@Entity({ name: 'provider_accounts' })
export class ProviderAccount {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'provider_id', type: 'uuid' }) providerId: string;
  @Column({ type: 'text' }) name: string;
  /**
   * SecretBox ciphertext of `{ apiKey?, ...secret options }` (AES-256-GCM), the same format as a
   * provider's. Write-only through the API; decrypted only where the provider is called or polled.
   */
  @Column({ name: 'encrypted_credentials', type: 'text', select: false }) encryptedCredentials: string;
  /** Non-secret options of this account. */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" }) options: Record<string, unknown>;
  @Column({ type: 'int', default: 1 }) weight: number;
  @Column({ type: 'boolean', default: true }) enabled: boolean;
  /** Accounts sharing one provider-side limit: a 429 on one cools them all. */
  @Column({ name: 'limit_group', type: 'text', nullable: true }) limitGroup: string | null;
  @Column({ type: 'text', default: 'ok' }) status: AccountStatus;
  @Column({ name: 'cooling_until', type: 'timestamptz', nullable: true }) coolingUntil: Date | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ name: 'last_error_at', type: 'timestamptz', nullable: true }) lastErrorAt: Date | null;
  /** Attempts that failed on this account and were retried elsewhere or answered as errors (bigint as string). */
  @Column({ name: 'failed_attempts', type: 'bigint', default: 0 }) failedAttempts: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
