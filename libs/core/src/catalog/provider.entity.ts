import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ProviderKind } from './provider-kind';

@Entity({ name: 'providers' })
export class Provider {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) kind: ProviderKind;
  @Column({ name: 'base_url', type: 'text' }) baseUrl: string;
  /**
   * SecretBox ciphertext of `{ apiKey, ...secret options }` (AES-256-GCM). Write-only through the API;
   * decrypted only where a provider is called.
   */
  @Column({ name: 'encrypted_credentials', type: 'text', select: false }) encryptedCredentials: string;
  /** Non-secret options (region, endpoints, project id). */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" }) options: Record<string, unknown>;
  @Column({ type: 'boolean', default: true }) enabled: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
