import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Model fallbacks: other models (of the same or another provider), by name, tried in order before
 * the first byte when every account of the model's provider is limited or down.
 */
export class ModelFallbacks1764600000001 implements MigrationInterface {
  name = 'ModelFallbacks1764600000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE models ADD COLUMN fallbacks text[] NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE models DROP COLUMN fallbacks`);
  }
}
