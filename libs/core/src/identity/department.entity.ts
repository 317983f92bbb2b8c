import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'departments' })
export class Department {
  @PrimaryGeneratedColumn('uuid') id: string;

  @Column({ type: 'text' }) name: string;

  /** Models this department may use; null means every model. */
  @Column({ name: 'allowed_models', type: 'text', array: true, nullable: true }) allowedModels: string[] | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
