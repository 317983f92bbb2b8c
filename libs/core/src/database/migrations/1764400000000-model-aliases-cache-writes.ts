import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages / Responses: models get aliases (Claude Code asks for `claude-*` names), per-model
 * options (`messagesApi` / `responsesApi`) and a cache-write price; usage events and rollups
 * count prompt tokens written to the provider's cache.
 */
export class ModelAliasesCacheWrites1764400000000 implements MigrationInterface {
  name = 'ModelAliasesCacheWrites1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE models ADD COLUMN aliases text[] NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE models ADD COLUMN options jsonb NOT NULL DEFAULT '{}'::jsonb`);
    await q.query(`ALTER TABLE models ADD COLUMN cache_write_input_price numeric NULL`);
    await q.query(`CREATE INDEX models_aliases_idx ON models USING gin (aliases)`);
    await q.query(`ALTER TABLE usage_events ADD COLUMN cache_write_tokens int NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE usage_events ADD COLUMN cache_write_input_price numeric NULL`);
    await q.query(`ALTER TABLE usage_rollups ADD COLUMN cache_write_tokens bigint NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE usage_rollups DROP COLUMN cache_write_tokens`);
    await q.query(`ALTER TABLE usage_events DROP COLUMN cache_write_input_price`);
    await q.query(`ALTER TABLE usage_events DROP COLUMN cache_write_tokens`);
    await q.query(`DROP INDEX models_aliases_idx`);
    await q.query(`ALTER TABLE models DROP COLUMN cache_write_input_price`);
    await q.query(`ALTER TABLE models DROP COLUMN options`);
    await q.query(`ALTER TABLE models DROP COLUMN aliases`);
  }
}
