import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Role } from './role';

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;

  /** Stored lower-cased; unique. */
  @Column({ type: 'text' }) email: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) role: Role;
  @Column({ name: 'department_id', type: 'uuid', nullable: true }) departmentId: string | null;

  /** argon2id hash; null for users who only use API keys. Never leaves the service layer. */
  @Column({ name: 'password_hash', type: 'text', nullable: true, select: false }) passwordHash: string | null;

  /** Narrows the department's list; null means "whatever the department allows". */
  @Column({ name: 'allowed_models', type: 'text', array: true, nullable: true }) allowedModels: string[] | null;

  @Column({ type: 'boolean', default: true }) active: boolean;

  /** Who deactivated the user and in which role (null: active, or deactivated outside the API — treated as an admin's). */
  @Column({ name: 'deactivated_by', type: 'uuid', nullable: true }) deactivatedBy: string | null;
  @Column({ name: 'deactivated_by_role', type: 'text', nullable: true }) deactivatedByRole: Role | null;

  /** Bumped on password change or deactivation so older JWTs stop working. */
  @Column({ name: 'token_version', type: 'int', default: 0 }) tokenVersion: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
